import type { ServerMessage } from '@backdrop/protocol';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { FakeSfu } from '../../test/fake-sfu.js';
import { type RoomLimits, RoomRegistry } from './registry.js';

const logger = pino({ level: 'silent' });
const tick = (ms = 5) => new Promise((r) => setTimeout(r, ms));

function inbox() {
  const messages: ServerMessage[] = [];
  return { messages, send: (m: ServerMessage) => messages.push(m) };
}

const LIMITS: RoomLimits = {
  maxParticipantsPerRoom: 8,
  maxRooms: 100,
  maxParticipants: 1000,
  joinsPerMinutePerAddress: 1000,
  roomCreationsPerMinutePerAddress: 1000,
};

function setup(limits: Partial<RoomLimits> = {}) {
  const sfu = new FakeSfu();
  const clock = { ms: 1_000_000 };
  let up = true;
  const registry = new RoomRegistry({
    sfu: () => (up ? sfu : undefined),
    limits: { ...LIMITS, ...limits },
    logger,
    now: () => clock.ms,
  });
  const join = (room: string, name: string, clientAddress = '198.51.100.1', send = inbox().send) =>
    registry.join({ room, name, clientAddress, send });
  const sfuDown = () => {
    up = false;
  };
  return { sfu, clock, registry, join, sfuDown };
}

const codeOf = (promise: Promise<unknown>) =>
  promise.then(
    () => 'ok',
    (e: { code?: string }) => e.code ?? 'no code',
  );

describe('RoomRegistry', () => {
  it('creates one SFU room for two simultaneous first joins', async () => {
    const { sfu, join } = setup();
    sfu.createDelayMs = 20;
    const [a, b] = await Promise.all([join('r', 'A'), join('r', 'B')]);
    expect(a.room).toBe(b.room);
    expect(sfu.calls.filter((c) => c === 'createRoom')).toHaveLength(1);
    expect(a.room.size).toBe(2);
  });

  it('tells each of two simultaneous joiners about the other exactly once, joined first', async () => {
    const { sfu, join } = setup();
    sfu.createDelayMs = 20;
    const [boxA, boxB] = [inbox(), inbox()];
    await Promise.all([join('r', 'A', undefined, boxA.send), join('r', 'B', undefined, boxB.send)]);
    for (const [box, other] of [
      [boxA, 'B'],
      [boxB, 'A'],
    ] as const) {
      expect(box.messages[0]?.type).toBe('joined');
      const listed = box.messages.flatMap((m) =>
        m.type === 'joined'
          ? m.participants.map((p) => p.name)
          : m.type === 'participantJoined'
            ? [m.participant.name]
            : [],
      );
      expect(listed).toEqual([other]);
    }
  });

  it('destroys the SFU room when the last participant leaves, and a later join creates a new one', async () => {
    const { sfu, registry, join } = setup();
    const a = await join('r', 'A');
    const b = await join('r', 'B');
    await registry.leave(a.room, a.participant);
    expect(sfu.rooms.size).toBe(1);
    await registry.leave(b.room, b.participant);
    expect(sfu.rooms.size).toBe(0);
    expect(registry.get('r')).toBeUndefined();
    const c = await join('r', 'C');
    expect(c.room).not.toBe(a.room);
    expect(sfu.calls.filter((x) => x === 'createRoom')).toHaveLength(2);
  });

  it('stamps unique ids and tells others who joined and left', async () => {
    const { registry, join } = setup();
    const boxA = inbox();
    const a = await join('r', 'A', undefined, boxA.send);
    const b = await join('r', 'B');
    expect(a.participant.id).not.toBe(b.participant.id);
    expect(a.participant.id).toMatch(/^p_/);
    expect(boxA.messages).toContainEqual({
      type: 'participantJoined',
      participant: { id: b.participant.id, name: 'B', role: 'participant' },
    });
    await registry.leave(b.room, b.participant);
    expect(boxA.messages).toContainEqual({ type: 'participantLeft', participantId: b.participant.id });
  });

  it('subscribes everyone to a publisher once its media is up, one negotiation at a time', async () => {
    const { sfu, join } = setup();
    const boxA = inbox();
    const a = await join('r', 'A', undefined, boxA.send);
    const b = await join('r', 'B');
    const c = await join('r', 'C');
    sfu.publishers[1]!.emit('connected');
    sfu.publishers[2]!.emit('connected');
    await tick();
    const offersToA = () => boxA.messages.filter((m) => m.type === 'subscriberOffer');
    // A's first offer is out; the second feed waits for A's answer.
    expect(offersToA()).toHaveLength(1);
    a.participant.subscription.answer('answer-1');
    await tick();
    expect(offersToA()).toHaveLength(2);
    const last = offersToA()[1];
    expect(last?.type === 'subscriberOffer' && last.streams.map((s) => s.participantId).sort()).toEqual(
      [b.participant.id, c.participant.id].sort(),
    );
    a.participant.subscription.answer('answer-2');
    await tick();
    expect(sfu.subscribers[0]!.answers).toEqual(['answer-1', 'answer-2']);
  });

  it('gives a late joiner the feeds already publishing', async () => {
    const { sfu, join } = setup();
    await join('r', 'A');
    sfu.publishers[0]!.emit('connected');
    const boxB = inbox();
    await join('r', 'B', undefined, boxB.send);
    await tick();
    expect(boxB.messages.some((m) => m.type === 'subscriberOffer')).toBe(true);
  });

  it('closes a leaver\u2019s SFU handles after the others have unsubscribed', async () => {
    const { sfu, registry, join } = setup();
    const a = await join('r', 'A');
    const b = await join('r', 'B');
    sfu.publishers[1]!.emit('connected');
    await tick();
    a.participant.subscription.answer('a1');
    await registry.leave(b.room, b.participant);
    await tick();
    a.participant.subscription.answer('a2');
    await tick(20);
    expect(sfu.subscribers[0]!.feeds.size).toBe(0);
    expect(sfu.publishers[1]!.closed).toBe(true);
  });
});

describe('RoomRegistry and Janus 1.1.2 races', () => {
  it('destroys the SFU room only after every handle of the last participant is closed', async () => {
    const { sfu, registry, join } = setup();
    const a = await join('r', 'A');
    await registry.leave(a.room, a.participant);
    await tick(20);
    const destroyAt = sfu.calls.indexOf('destroyRoom');
    const publisherAt = sfu.calls.indexOf(`publisherClosed ${a.participant.feedId}`);
    const subscriberAt = sfu.calls.indexOf('subscriberClosed');
    expect(publisherAt).toBeGreaterThan(-1);
    expect(subscriberAt).toBeGreaterThan(-1);
    expect(destroyAt).toBeGreaterThan(publisherAt);
    expect(destroyAt).toBeGreaterThan(subscriberAt);
  });

  it('waits for an earlier leaver whose handles were still waiting on the others', async () => {
    const { sfu, registry, join } = setup();
    const a = await join('r', 'A');
    const b = await join('r', 'B');
    sfu.publishers[0]!.emit('connected');
    await tick();
    // B has an offer for A's feed out and never answers: A's handles wait for B's subscription to settle.
    const aLeft = registry.leave(a.room, a.participant);
    await tick();
    expect(sfu.publishers[0]!.closed).toBe(false);
    // B vanishes: the room empties while A's publisher handle is still attached.
    await Promise.all([aLeft, registry.leave(b.room, b.participant)]);
    await tick(20);
    const destroyAt = sfu.calls.indexOf('destroyRoom');
    expect(destroyAt).toBeGreaterThan(-1);
    for (const p of [a, b]) {
      const closedAt = sfu.calls.indexOf(`publisherClosed ${p.participant.feedId}`);
      expect(closedAt).toBeGreaterThan(-1);
      expect(destroyAt).toBeGreaterThan(closedAt);
    }
    expect(sfu.calls.filter((c) => c === 'subscriberClosed').length).toBe(2);
    expect(sfu.calls.lastIndexOf('subscriberClosed')).toBeLessThan(destroyAt);
  });
});

describe('RoomRegistry names', () => {
  it('refuses a name someone in the room already uses, in any case or width', async () => {
    const { registry, join } = setup();
    await join('r', 'Alice');
    for (const name of ['Alice', 'alice', 'ALICE', 'Ａｌｉｃｅ'])
      await expect(join('r', name), name).rejects.toMatchObject({
        code: 'invalid_name',
        message: 'someone in this room already uses that name',
      });
    expect(registry.get('r')?.size).toBe(1);
    expect(await codeOf(join('other', 'Alice'))).toBe('ok');
  });

  it('holds the name of a join still in progress, and frees it when that join fails', async () => {
    const { sfu, join } = setup();
    await join('r', 'A');
    let fail: (e: Error) => void = () => undefined;
    sfu.next.createSubscriber.push(new Promise((_, reject) => (fail = reject)));
    const failing = codeOf(join('r', 'Bob'));
    await tick();
    expect(await codeOf(join('r', 'bob'))).toBe('invalid_name');
    fail(new Error('janus said no'));
    expect(await failing).toBe('no code');
    expect(await codeOf(join('r', 'Bob'))).toBe('ok');
  });
});

describe('RoomRegistry caps and rates', () => {
  it('refuses a join past the room limit with room_full and keeps the room consistent', async () => {
    const { registry, join } = setup({ maxParticipantsPerRoom: 2 });
    await join('r', 'A');
    await join('r', 'B');
    await expect(join('r', 'C')).rejects.toMatchObject({ code: 'room_full', message: /full/ });
    expect(registry.get('r')?.size).toBe(2);
  });

  it('counts joins in progress against the room cap', async () => {
    const { join } = setup({ maxParticipantsPerRoom: 2 });
    const results = await Promise.all(['A', 'B', 'C', 'D'].map((n) => codeOf(join('r', n))));
    expect(results.sort()).toEqual(['ok', 'ok', 'room_full', 'room_full']);
  });

  it('opens at most maxRooms rooms, even when they are created at the same time', async () => {
    const { sfu, registry, join } = setup({ maxRooms: 3 });
    sfu.createDelayMs = 10;
    const results = await Promise.all(['a', 'b', 'c', 'd', 'e'].map((r) => codeOf(join(r, 'N'))));
    expect(results.filter((r) => r === 'ok')).toHaveLength(3);
    expect(results.filter((r) => r === 'too_many_rooms')).toHaveLength(2);
    expect(registry.size).toBe(3);
    expect(sfu.rooms.size).toBe(3);
    // Joining an open room still works at the cap.
    const open = [...'abcde'].find((r) => registry.get(r))!;
    expect(await codeOf(join(open, 'Other'))).toBe('ok');
  });

  it('refuses past maxParticipants over all rooms with server_full', async () => {
    const { registry, join } = setup({ maxParticipants: 3 });
    await join('a', 'A');
    await join('a', 'B');
    await join('b', 'C');
    expect(await codeOf(join('b', 'D'))).toBe('server_full');
    expect(await codeOf(join('c', 'E'))).toBe('server_full');
    expect(registry.size).toBe(2);
  });

  it('limits join attempts per address per minute, refused ones included; others are not affected', async () => {
    const { clock, join } = setup({ joinsPerMinutePerAddress: 3, maxParticipantsPerRoom: 2 });
    const flooder = '203.0.113.1';
    expect(await codeOf(join('r', 'A', flooder))).toBe('ok');
    expect(await codeOf(join('r', 'B', flooder))).toBe('ok');
    expect(await codeOf(join('r', 'C', flooder))).toBe('room_full');
    expect(await codeOf(join('r2', 'D', flooder))).toBe('join_rate_limited');
    expect(await codeOf(join('r2', 'D', '203.0.113.2'))).toBe('ok');
    clock.ms += 20_000; // one token back
    expect(await codeOf(join('r3', 'E', flooder))).toBe('ok');
    expect(await codeOf(join('r3', 'F', flooder))).toBe('join_rate_limited');
  });

  it('limits room creations per address, counting only joins that open a room', async () => {
    const { join } = setup({ roomCreationsPerMinutePerAddress: 2 });
    const flooder = '203.0.113.1';
    expect(await codeOf(join('r1', 'A', flooder))).toBe('ok');
    expect(await codeOf(join('r2', 'A', flooder))).toBe('ok');
    expect(await codeOf(join('r3', 'A', flooder))).toBe('room_create_rate_limited');
    expect(await codeOf(join('r1', 'B', flooder))).toBe('ok');
    expect(await codeOf(join('r3', 'A', '203.0.113.2'))).toBe('ok');
  });

  it('refuses joins with sfu_unavailable while the SFU is down', async () => {
    const { join, sfuDown } = setup();
    sfuDown();
    expect(await codeOf(join('r', 'A'))).toBe('sfu_unavailable');
  });
});

describe('RoomRegistry when the SFU hangs or fails', () => {
  it('lets another join and a leave of the room complete while one join hangs', async () => {
    const { sfu, registry, join } = setup();
    const a = await join('r', 'A');
    const b = await join('r', 'B');
    sfu.next.createPublisher.push('hang');
    let hungSettled = false;
    void join('r', 'Stuck').finally(() => {
      hungSettled = true;
    });
    await tick();
    const c = await join('r', 'C');
    await registry.leave(b.room, b.participant);
    await registry.leave(a.room, a.participant);
    await registry.leave(c.room, c.participant);
    expect(hungSettled).toBe(false);
    // The hung join still holds a seat, so the room was not destroyed under it.
    expect(registry.get('r')).toBe(a.room);
    expect(sfu.calls).not.toContain('destroyRoom');
  });

  it('closes what a join made when it fails part way, and destroys the room it left empty', async () => {
    const { sfu, registry, join } = setup();
    sfu.next.createSubscriber.push(new Error('subscriber failed'));
    await expect(join('r', 'A')).rejects.toThrow(/subscriber failed/);
    expect(sfu.publishers[0]!.closed).toBe(true);
    expect(registry.get('r')).toBeUndefined();
    expect(sfu.rooms.size).toBe(0);
  });

  it('leaves no room behind when the room creation fails', async () => {
    const { sfu, registry, join } = setup();
    sfu.next.createRoom.push(new Error('create failed'));
    await expect(join('r', 'A')).rejects.toThrow(/create failed/);
    expect(registry.size).toBe(0);
    expect(await codeOf(join('r', 'A'))).toBe('ok');
  });

  it('abandonAll forgets every room and closes its participants and subscriptions', async () => {
    const { sfu, registry, join } = setup();
    await join('r', 'A');
    await join('s', 'B');
    sfu.next.createSubscriber.push('hang');
    void join('r', 'C');
    await tick();
    registry.abandonAll();
    expect(registry.size).toBe(0);
    await tick();
    expect(sfu.publishers.slice(0, 2).every((p) => p.closed)).toBe(true);
    expect(sfu.subscribers.every((s) => s.closed)).toBe(true);
  });

  it('refuses a join whose handles arrive after the SFU was lost, and closes them', async () => {
    const { sfu, registry, join } = setup();
    await join('r', 'A');
    sfu.createDelayMs = 0;
    const gate: { open?: () => void } = {};
    const original = sfu.createPublisher.bind(sfu);
    sfu.createPublisher = async (roomId, feedId) => {
      await new Promise<void>((resolve) => {
        gate.open = resolve;
      });
      return original(roomId, feedId);
    };
    const late = codeOf(join('r', 'B'));
    await tick();
    registry.abandonAll();
    gate.open?.();
    expect(await late).toBe('sfu_unavailable');
    await tick();
    expect(sfu.publishers.every((p) => p.closed)).toBe(true);
    expect(sfu.subscribers.every((s) => s.closed)).toBe(true);
  });
});
