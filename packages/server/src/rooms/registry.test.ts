import type { ServerMessage } from '@backdrop/protocol';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { FakeSfu } from './fake-sfu.js';
import { RoomRegistry } from './registry.js';

const logger = pino({ level: 'silent' });
const tick = (ms = 5) => new Promise((r) => setTimeout(r, ms));

function inbox() {
  const messages: ServerMessage[] = [];
  return { messages, send: (m: ServerMessage) => messages.push(m) };
}

describe('RoomRegistry', () => {
  it('creates one SFU room for two simultaneous first joins', async () => {
    const sfu = new FakeSfu();
    sfu.createDelayMs = 20;
    const registry = new RoomRegistry(() => sfu, 8, logger);
    const [a, b] = await Promise.all([
      registry.join('r', 'A', inbox().send),
      registry.join('r', 'B', inbox().send),
    ]);
    expect(a.room).toBe(b.room);
    expect(sfu.calls.filter((c) => c === 'createRoom')).toHaveLength(1);
    expect(a.room.size).toBe(2);
  });

  it('destroys the SFU room when the last participant leaves, and a later join creates a new one', async () => {
    const sfu = new FakeSfu();
    const registry = new RoomRegistry(() => sfu, 8, logger);
    const a = await registry.join('r', 'A', inbox().send);
    const b = await registry.join('r', 'B', inbox().send);
    await registry.leave(a.room, a.participant);
    expect(sfu.rooms.size).toBe(1);
    await registry.leave(b.room, b.participant);
    expect(sfu.rooms.size).toBe(0);
    expect(registry.get('r')).toBeUndefined();
    const c = await registry.join('r', 'C', inbox().send);
    expect(c.room).not.toBe(a.room);
    expect(sfu.calls.filter((x) => x === 'createRoom')).toHaveLength(2);
  });

  it('stamps unique ids and tells others who joined and left', async () => {
    const sfu = new FakeSfu();
    const registry = new RoomRegistry(() => sfu, 8, logger);
    const boxA = inbox();
    const a = await registry.join('r', 'A', boxA.send);
    const b = await registry.join('r', 'B', inbox().send);
    expect(a.participant.id).not.toBe(b.participant.id);
    expect(a.participant.id).toMatch(/^p_/);
    expect(boxA.messages).toContainEqual({
      type: 'participantJoined',
      participant: { id: b.participant.id, name: 'B' },
    });
    await registry.leave(b.room, b.participant);
    expect(boxA.messages).toContainEqual({ type: 'participantLeft', participantId: b.participant.id });
  });

  it('subscribes everyone to a publisher once its media is up, one negotiation at a time', async () => {
    const sfu = new FakeSfu();
    const registry = new RoomRegistry(() => sfu, 8, logger);
    const boxA = inbox();
    const a = await registry.join('r', 'A', boxA.send);
    const b = await registry.join('r', 'B', inbox().send);
    const c = await registry.join('r', 'C', inbox().send);
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
    const sfu = new FakeSfu();
    const registry = new RoomRegistry(() => sfu, 8, logger);
    await registry.join('r', 'A', inbox().send);
    sfu.publishers[0]!.emit('connected');
    const boxB = inbox();
    await registry.join('r', 'B', boxB.send);
    await tick();
    expect(boxB.messages.some((m) => m.type === 'subscriberOffer')).toBe(true);
  });

  it('refuses a join past the room limit and keeps the room consistent', async () => {
    const sfu = new FakeSfu();
    const registry = new RoomRegistry(() => sfu, 2, logger);
    await registry.join('r', 'A', inbox().send);
    await registry.join('r', 'B', inbox().send);
    await expect(registry.join('r', 'C', inbox().send)).rejects.toThrow(/full/);
    expect(registry.get('r')?.size).toBe(2);
  });

  it('closes a leaver\u2019s SFU handles after the others have unsubscribed', async () => {
    const sfu = new FakeSfu();
    const registry = new RoomRegistry(() => sfu, 8, logger);
    const a = await registry.join('r', 'A', inbox().send);
    const b = await registry.join('r', 'B', inbox().send);
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
