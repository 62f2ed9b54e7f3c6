import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  expectUnharmed,
  health,
  NORMAL,
  normalJoin,
  type Origin,
  outcome,
  RoomsClient,
  TRUSTED_VIAS,
  waitForNoRooms,
} from './support/hostile-rooms.js';
import { usage } from './support/process.js';
import { startTestServer, type TestServer } from './support/server.js';

/**
 * Attacks on rooms, joins and names (issue 8, items 3, 5 and 9), against the real server and Janus. Attackers
 * and the normal client come from distinct addresses (see support/hostile-rooms.ts), so per-address limits hit
 * only the attacker. Other slices' per-socket limits are set out of the way, so each test sees only its own.
 */
const QUIET_SOCKET_LIMITS = {
  TRUST_PROXY: TRUSTED_VIAS.join(','),
  MESSAGES_PER_SECOND: '1000',
  BAD_MESSAGES_PER_MINUTE: '100000',
  MAX_CONNECTIONS_PER_ADDRESS: '1000',
};

// One address per role: a role's refused attempts count against its own address only.
const NAMER: Origin = { via: '127.0.0.3', forwardedFor: '203.0.113.3' };
const FLOODER: Origin = { via: '127.0.0.1', forwardedFor: '203.0.113.10' };
const HOST: Origin = { via: '127.0.0.4', forwardedFor: '203.0.113.4' };
const CREATOR: Origin = { via: '127.0.0.5', forwardedFor: '203.0.113.20' };
const HOG: Origin = { via: '127.0.0.3', forwardedFor: '203.0.113.30' };

const JOINS_PER_MINUTE = 30;
const CREATIONS_PER_MINUTE = 10;

function summary(latencies: number[]): string {
  const sorted = [...latencies].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!.toFixed(0);
  return `n=${sorted.length} min ${at(0)} / median ${at(0.5)} / max ${at(1)} ms`;
}

function tally(outcomes: string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const o of outcomes) counts[o] = (counts[o] ?? 0) + 1;
  return counts;
}

describe('rooms under hostile joins', () => {
  let server: TestServer;
  const opened: RoomsClient[] = [];
  const open = async (origin: Origin): Promise<RoomsClient> => {
    const client = await RoomsClient.open(server.wsUrl, origin);
    opened.push(client);
    return client;
  };
  // A failed test must not leave its sockets (and so its rooms) behind for the next one.
  afterEach(async () => {
    for (const client of opened.splice(0)) await client.close();
  });

  beforeAll(async () => {
    server = await startTestServer({
      ...QUIET_SOCKET_LIMITS,
      JOINS_PER_MINUTE_PER_ADDRESS: String(JOINS_PER_MINUTE),
      ROOM_CREATIONS_PER_MINUTE_PER_ADDRESS: String(CREATIONS_PER_MINUTE),
    });
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('refuses ill-formed and copied names at once with invalid_name, and the room stays joinable', async () => {
    const before = await usage(server.process.pid!);
    const room = 'names-room';
    const host = await open(HOST);
    expect(outcome(await host.request({ type: 'join', room, name: 'Alice' }))).toBe('joined');
    // Three sockets at once: three lone-surrogate names used to hold the room's lock for 3 x 10 s.
    const attackers = await Promise.all([1, 2, 3].map(() => open(NAMER)));
    const names: [string, string][] = [
      ['lone surrogate', '\ud800'],
      ['zero-width space', 'a\u200bb'],
      ['bidi override', '\u202eevil'],
      ['duplicate', 'ALICE'],
    ];
    for (const [what, name] of names) {
      const started = performance.now();
      const replies = await Promise.all(attackers.map((a) => a.request({ type: 'join', room, name }, 3_000)));
      const refusedMs = performance.now() - started;
      const joinMs = await normalJoin(server, room);
      console.log(
        `[hostile-rooms] name ${what}: ${replies.map(outcome).join(',')} in ${refusedMs.toFixed(0)} ms ` +
          `(${replies.map((r) => (r.type === 'error' ? r.message : '')).at(0)}); normal join ${joinMs.toFixed(0)} ms`,
      );
      for (const reply of replies) expect(outcome(reply), what).toBe('invalid_name');
      expect(refusedMs, `${what}: refusal time (ms)`).toBeLessThan(1_000);
      expect(joinMs, `${what}: normal join (ms)`).toBeLessThanOrEqual(2_000);
    }
    for (const c of [...attackers, host]) await c.close();
    await expectUnharmed(server, 'ill-formed names', before, room);
  });

  it('limits a join/leave flood from one address with join_rate_limited; others join quickly', async () => {
    const before = await usage(server.process.pid!);
    const room = 'flood-room';
    // Someone stays in the room, so the flood's joins never open (and count as creating) a room.
    const anchor = await open(HOST);
    expect(outcome(await anchor.request({ type: 'join', room, name: 'Anchor' }))).toBe('joined');
    const flooders = await Promise.all([1, 2, 3, 4].map(() => open(FLOODER)));
    const started = performance.now();
    const outcomes: string[] = [];
    let flooding = true;
    const flood = Promise.all(
      flooders.map(async (client, k) => {
        for (let i = 0; i < 40; i++) {
          const reply = await client.request({ type: 'join', room, name: `Flood ${k}` });
          outcomes.push(outcome(reply));
          if (reply.type === 'joined') await client.request({ type: 'leave' });
        }
      }),
    ).finally(() => {
      flooding = false;
    });
    const latencies: number[] = [];
    for (let i = 0; i < 8 && (flooding || i === 0); i++) latencies.push(await normalJoin(server, room));
    await flood;
    const elapsedS = (performance.now() - started) / 1000;
    const counts = tally(outcomes);
    console.log(
      `[hostile-rooms] join flood: ${outcomes.length} joins from one address over 4 sockets in ` +
        `${elapsedS.toFixed(1)} s: ${JSON.stringify(counts)}; normal joins during it: ${summary(latencies)}`,
    );
    expect(Object.keys(counts).sort()).toEqual(['join_rate_limited', 'joined']);
    // The bucket starts full (one minute's allowance) and refills at JOINS_PER_MINUTE / 60 per second.
    expect(counts.joined).toBeGreaterThanOrEqual(JOINS_PER_MINUTE);
    expect(counts.joined).toBeLessThanOrEqual(
      JOINS_PER_MINUTE + Math.ceil((elapsedS * JOINS_PER_MINUTE) / 60),
    );
    for (const ms of latencies) expect(ms, 'normal join during the flood (ms)').toBeLessThanOrEqual(2_000);
    for (const c of [...flooders, anchor]) await c.close();
    await expectUnharmed(server, 'join flood', before, room);
  });

  it('limits a room-creation flood from one address with room_create_rate_limited', async () => {
    const before = await usage(server.process.pid!);
    const creator = await open(CREATOR);
    const started = performance.now();
    const outcomes: string[] = [];
    // Fewer attempts than the join allowance, so only the creation limit can refuse them.
    for (let i = 0; i < 25; i++) {
      const reply = await creator.request({ type: 'join', room: `created-${i}`, name: 'Creator' });
      outcomes.push(outcome(reply));
      if (reply.type === 'joined') await creator.request({ type: 'leave' });
    }
    const elapsedS = (performance.now() - started) / 1000;
    const counts = tally(outcomes);
    const rooms = (await health(server)).rooms;
    console.log(
      `[hostile-rooms] room-creation flood: ${outcomes.length} new rooms asked in ${elapsedS.toFixed(1)} s: ` +
        `${JSON.stringify(counts)}; rooms open after: ${rooms}`,
    );
    expect(Object.keys(counts).sort()).toEqual(['joined', 'room_create_rate_limited']);
    expect(counts.joined).toBeGreaterThanOrEqual(CREATIONS_PER_MINUTE);
    expect(counts.joined).toBeLessThanOrEqual(
      CREATIONS_PER_MINUTE + Math.ceil((elapsedS * CREATIONS_PER_MINUTE) / 60),
    );
    // Every refused creation left nothing behind, and every room the flooder left was destroyed.
    await waitForNoRooms(server);
    // Existing rooms and new ones from other addresses still open.
    expect(await normalJoin(server, 'normal-new-room')).toBeLessThanOrEqual(2_000);
    await creator.close();
    await expectUnharmed(server, 'room-creation flood', before, 'after-creation-flood');
  });
});

describe('rooms at the global caps', () => {
  let server: TestServer;
  const hogs: RoomsClient[] = [];

  const hog = async (room: string, name: string): Promise<string> => {
    const client = await RoomsClient.open(server.wsUrl, HOG);
    hogs.push(client);
    return outcome(await client.request({ type: 'join', room, name }));
  };
  const normalOutcome = async (room: string): Promise<string> => {
    const client = await RoomsClient.open(server.wsUrl, NORMAL);
    const result = outcome(await client.request({ type: 'join', room, name: 'Refused person' }));
    await client.close();
    return result;
  };
  const releaseHogs = async (count = hogs.length) => {
    for (const client of hogs.splice(0, count)) await client.close();
  };

  beforeAll(async () => {
    server = await startTestServer({
      ...QUIET_SOCKET_LIMITS,
      MAX_ROOMS: '3',
      MAX_PARTICIPANTS: '5',
      MAX_PARTICIPANTS_PER_ROOM: '2',
      JOINS_PER_MINUTE_PER_ADDRESS: '1000',
      ROOM_CREATIONS_PER_MINUTE_PER_ADDRESS: '1000',
    });
  });
  afterEach(async () => {
    await releaseHogs();
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('refuses a join past the room cap with room_full', async () => {
    const before = await usage(server.process.pid!);
    expect([await hog('cap-room', 'H1'), await hog('cap-room', 'H2')]).toEqual(['joined', 'joined']);
    expect(await hog('cap-room', 'H3')).toBe('room_full');
    expect(await normalOutcome('cap-room')).toBe('room_full');
    console.log('[hostile-rooms] room cap (2): third join room_full, normal client room_full while full');
    await releaseHogs(1);
    await expectUnharmed(server, 'room cap', before, 'cap-room');
    await releaseHogs();
    await waitForNoRooms(server);
  });

  it('refuses a fourth room with too_many_rooms (MAX_ROOMS=3); existing rooms stay joinable', async () => {
    const before = await usage(server.process.pid!);
    for (const room of ['rooms-1', 'rooms-2', 'rooms-3']) expect(await hog(room, 'H')).toBe('joined');
    expect(await hog('rooms-4', 'H')).toBe('too_many_rooms');
    expect(await normalOutcome('rooms-5')).toBe('too_many_rooms');
    expect((await health(server)).rooms).toBe(3);
    console.log('[hostile-rooms] MAX_ROOMS=3: fourth room too_many_rooms for attacker and normal client');
    await expectUnharmed(server, 'room cap (MAX_ROOMS=3)', before, 'rooms-1');
    await releaseHogs();
    await waitForNoRooms(server);
  });

  it('refuses past MAX_PARTICIPANTS=5 over all rooms with server_full', async () => {
    const before = await usage(server.process.pid!);
    const placed = [
      await hog('full-a', 'H1'),
      await hog('full-a', 'H2'),
      await hog('full-b', 'H3'),
      await hog('full-b', 'H4'),
      await hog('full-c', 'H5'),
    ];
    expect(placed).toEqual(Array(5).fill('joined'));
    expect(await hog('full-c', 'H6')).toBe('server_full');
    expect(await normalOutcome('full-c')).toBe('server_full');
    console.log('[hostile-rooms] MAX_PARTICIPANTS=5: sixth join server_full for attacker and normal client');
    await releaseHogs(1);
    await expectUnharmed(server, 'participant cap (MAX_PARTICIPANTS=5)', before, 'full-c');
    await releaseHogs();
    await waitForNoRooms(server);
  });
});
