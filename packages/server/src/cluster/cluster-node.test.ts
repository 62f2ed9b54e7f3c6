import type { ChatEntry } from '@backdrop/protocol';
import { pino } from 'pino';
import { beforeEach, describe, expect, it } from 'vitest';
import { ClusterNode } from './cluster-node.js';
import { MemoryClusterStore } from './memory-store.js';

const logger = pino({ level: 'silent' });

/** A node of a fake cluster: its rooms and load are plain fields the test sets. */
function makeNode(
  store: MemoryClusterStore,
  id: string,
  clock: { now: number },
  reachable: Set<string>,
  capacity?: number,
) {
  const rooms = new Map<string, { id: string; name: string }[]>();
  const state = { janusUp: true };
  const node = new ClusterNode({
    store,
    id,
    url: `http://${id}.test`,
    logger,
    load: () => ({
      rooms: rooms.size,
      participants: [...rooms.values()].reduce((n, list) => n + list.length, 0),
      janusUp: state.janusUp,
    }),
    hosted: () => [...rooms].map(([name, participants]) => ({ name, participants })),
    hosts: (room) => rooms.has(room),
    ...(capacity === undefined
      ? {}
      : { roomNodeCapacity: capacity, localShare: (room: string) => rooms.get(room)?.length }),
    probe: async (url) => reachable.has(url),
    chatKeep: 3,
    reportIntervalMs: 100,
    now: () => clock.now,
  });
  return { node, rooms, state };
}

/** ROOM_NODE_CAPACITY for the shared tests: unset (a room on one node) and set (rooms may span nodes). */
let sharedCapacity: number | undefined;

function setup(capacity = sharedCapacity) {
  const clock = { now: 1_000_000 };
  const store = new MemoryClusterStore(() => clock.now);
  const reachable = new Set(['http://a.test', 'http://b.test']);
  const a = makeNode(store, 'a', clock, reachable, capacity);
  const b = makeNode(store, 'b', clock, reachable, capacity);
  return { clock, store, reachable, a, b };
}

const entry = (seq: number): ChatEntry => ({ seq, from: 'p_x', name: 'X', text: `m${seq}`, at: seq });

describe.each([undefined, 50])('ClusterNode (ROOM_NODE_CAPACITY %s)', (capacity) => {
  beforeEach(() => {
    sharedCapacity = capacity;
  });

  it('places a new room on the node it landed on when loads tie, and redirects the other node there', async () => {
    const { a, b } = setup();
    await a.node.report();
    await b.node.report();
    expect(await a.node.route('r1')).toEqual({ kind: 'local' });
    a.rooms.set('r1', [{ id: 'p_1', name: 'Ann' }]);
    expect(await b.node.route('r1')).toEqual({ kind: 'redirect', node: 'a' });
    expect(b.node.redirects).toBe(1);
  });

  it('places by load: a room goes to the less loaded node', async () => {
    const { a, b } = setup();
    a.rooms.set('busy', [
      { id: 'p_1', name: 'A' },
      { id: 'p_2', name: 'B' },
    ]);
    await a.node.report();
    await b.node.report();
    expect(await a.node.route('new')).toEqual({ kind: 'redirect', node: 'b' });
    // The placement holds: b takes the join as its own.
    expect(await b.node.route('new')).toEqual({ kind: 'local' });
  });

  it('never places on a node whose Janus is down', async () => {
    const { a, b } = setup();
    b.state.janusUp = false;
    a.rooms.set('x', [{ id: 'p_1', name: 'A' }]);
    await a.node.report();
    await b.node.report();
    expect(await b.node.route('new')).toEqual({ kind: 'redirect', node: 'a' });
  });

  it('a dead node (report expired) loses its rooms: the next join places them again', async () => {
    const { clock, a, b } = setup();
    await a.node.report();
    await b.node.report();
    expect(await a.node.route('r')).toEqual({ kind: 'local' });
    a.rooms.set('r', [{ id: 'p_1', name: 'Ann' }]);
    await a.node.report();
    // a stops reporting; b goes on.
    clock.now += 3_001;
    await b.node.report();
    expect(await b.node.route('r')).toEqual({ kind: 'local' });
  });

  it('a client sent to a node the balancer could not reach is placed again at once if the probe fails', async () => {
    const { reachable, a, b } = setup();
    await a.node.report();
    await b.node.report();
    await a.node.route('r');
    a.rooms.set('r', [{ id: 'p_1', name: 'Ann' }]);
    // Report still fresh, but a is reachable: no re-placement, redirect (the client's word is checked).
    expect(await b.node.route('r', 'a')).toEqual({ kind: 'redirect', node: 'a' });
    reachable.delete('http://a.test');
    expect(await b.node.route('r', 'a')).toEqual({ kind: 'local' });
    // Without the hint (not via a), the fresh report of a is believed.
    const { a: a2, b: b2 } = setup();
    await a2.node.report();
    await b2.node.report();
    await a2.node.route('s');
    expect(await b2.node.route('s')).toEqual({ kind: 'redirect', node: 'a' });
  });

  it('two nodes placing the same room at once agree (the lock)', async () => {
    const { a, b } = setup();
    await a.node.report();
    await b.node.report();
    const [ra, rb] = await Promise.all([a.node.route('same'), b.node.route('same')]);
    const where = (r: typeof ra, self: string) => (r.kind === 'local' ? self : r.node);
    expect(where(ra, 'a')).toBe(where(rb, 'b'));
  });

  it('store down: a room open here still joins locally; anything else is cluster_unavailable', async () => {
    const { store, a } = setup();
    await a.node.report();
    a.rooms.set('mine', []);
    store.available = false;
    expect(await a.node.route('mine')).toEqual({ kind: 'local' });
    await expect(a.node.route('other')).rejects.toMatchObject({ code: 'cluster_unavailable' });
    // Reports fail quietly.
    await expect(a.node.report()).resolves.toBeUndefined();
  });

  it('after a store restart (everything lost) the next report re-asserts the rooms hosted here', async () => {
    const { store, a, b } = setup();
    a.rooms.set('r', [{ id: 'p_1', name: 'Ann' }]);
    await a.node.report();
    store.clear();
    await a.node.report();
    expect(await store.roomNode('r')).toBe('a');
    expect(await store.participants('r')).toEqual([{ id: 'p_1', name: 'Ann' }]);
    await b.node.report();
    expect(await b.node.route('r')).toEqual({ kind: 'redirect', node: 'a' });
  });

  it('right after the store came back empty, waits for the room’s node to claim it instead of placing it again', async () => {
    const clock = { now: 1_000_000 };
    const store = new MemoryClusterStore(() => clock.now);
    const reachable = new Set(['http://a.test', 'http://b.test']);
    const a = makeNode(store, 'a', clock, reachable);
    const b = makeNode(store, 'b', clock, reachable);
    a.rooms.set('r', [{ id: 'p_1', name: 'Ann' }]);
    store.readyAt = clock.now;
    await b.node.report();
    // b would place r on itself (a has not reported yet); a claims it 20 ms (real time) later.
    setTimeout(() => void a.node.report(), 20);
    expect(await b.node.route('r')).toEqual({ kind: 'redirect', node: 'a' });
  });

  it('keeps the last chat messages for the next node, and drops them when the room closes', async () => {
    const { store, a, b } = setup();
    await a.node.report();
    for (const seq of [1, 2, 3, 4]) a.node.chatAdded('r', entry(seq));
    await new Promise((r) => setImmediate(r));
    expect((await b.node.openedRoom('r')).map((e) => e.seq)).toEqual([2, 3, 4]);
    // b claimed it on opening; a's release no longer touches it, b's does.
    a.node.closedRoom('r');
    await new Promise((r) => setImmediate(r));
    expect(await store.chat('r')).toHaveLength(3);
    b.node.closedRoom('r');
    await new Promise((r) => setImmediate(r));
    expect(await store.chat('r')).toEqual([]);
    expect(await store.roomNode('r')).toBeUndefined();
  });
});

describe('ClusterNode with ROOM_NODE_CAPACITY 2: a room past one node', () => {
  const people = (n: number) => Array.from({ length: n }, (_, i) => ({ id: `p_${i}`, name: `P${i}` }));

  it('sends the join past a full share to the other node, which takes it as its own share', async () => {
    const { a, b, store } = setup(2);
    await a.node.report();
    await b.node.report();
    expect(await a.node.route('r')).toEqual({ kind: 'local' });
    a.rooms.set('r', people(2));
    expect(await a.node.route('r')).toEqual({ kind: 'redirect', node: 'b' });
    // The redirect reserved b's place: b does not send the joiner back to the room's node.
    expect(await b.node.route('r')).toEqual({ kind: 'local' });
    expect(await store.roomNode('r')).toBe('a');
    b.rooms.set('r', people(1));
    await a.node.report();
    await b.node.report();
    expect(await store.shares('r')).toEqual(
      new Map([
        ['a', 2],
        ['b', 1],
      ]),
    );
    // A join landing on a full a goes to b's share; one landing on b stays there.
    expect(await a.node.route('r')).toEqual({ kind: 'redirect', node: 'b' });
    expect(await b.node.route('r')).toEqual({ kind: 'local' });
  });

  it('refuses with room_full when every node holds its share', async () => {
    const { a, b } = setup(2);
    a.rooms.set('r', people(2));
    b.rooms.set('r', people(2));
    await a.node.report();
    await b.node.report();
    await expect(a.node.route('r')).rejects.toMatchObject({ code: 'room_full' });
  });

  it('a room closing on one node drops its share there', async () => {
    const { a, b, store } = setup(2);
    a.rooms.set('r', people(2));
    b.rooms.set('r', people(1));
    await a.node.report();
    await b.node.report();
    b.rooms.delete('r');
    b.node.closedRoom('r');
    await new Promise((r) => setTimeout(r, 0));
    expect(await store.shares('r')).toEqual(new Map([['a', 2]]));
  });
});
