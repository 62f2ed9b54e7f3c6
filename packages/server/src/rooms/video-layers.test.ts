import type { ServerMessage } from '@backdrop/protocol';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { fakeRooms } from '../../test/fake-rooms.js';
import { FakeSubscriber } from '../../test/fake-sfu.js';
import { VIDEO_LAYER_RATE } from './room.js';
import { Subscription } from './subscription.js';

const logger = pino({ level: 'silent' });
const tick = (ms = 5) => new Promise((r) => setTimeout(r, ms));

describe('Subscription.setLayer', () => {
  function setup() {
    const sfu = new FakeSubscriber();
    const subscription = new Subscription(sfu, () => undefined, logger);
    return { sfu, subscription };
  }

  it('sets the camera substream of a received feed, and pauses a video that is off screen', async () => {
    const { sfu, subscription } = setup();
    subscription.want(7);
    await tick();
    subscription.answer('a1');
    await tick();
    expect(subscription.setLayer(7, 'camera', 'low')).toBe(true);
    await tick();
    expect(subscription.setLayer(7, 'camera', 'low')).toBe(true); // unchanged: nothing sent
    subscription.setLayer(7, 'camera', 'off');
    await tick();
    subscription.setLayer(7, 'camera', 'high');
    await tick();
    expect(sfu.sendingCalls).toEqual([
      [{ mid: '0', send: true, substream: 0 }],
      [{ mid: '0', send: false }],
      [{ mid: '0', send: true, substream: 2 }],
    ]);
  });

  it('refuses a feed it does not receive', async () => {
    const { sfu, subscription } = setup();
    expect(subscription.setLayer(9, 'camera', 'low')).toBe(false);
    subscription.want(7);
    await tick();
    subscription.answer('a1');
    subscription.unwant(7);
    await tick();
    expect(subscription.setLayer(7, 'camera', 'low')).toBe(false);
    expect(sfu.sendingCalls).toEqual([]);
  });

  it('a direct-path pause wins over a layer, and the layer comes back with the resume', async () => {
    const { sfu, subscription } = setup();
    subscription.want(7);
    await tick();
    subscription.answer('a1');
    await tick();
    subscription.setLayer(7, 'camera', 'medium');
    await tick();
    subscription.pause(7, true);
    await tick();
    subscription.pause(7, false);
    await tick();
    expect(sfu.sendingCalls).toEqual([
      [{ mid: '0', send: true, substream: 1 }],
      [{ mid: '0', send: false }],
      [{ mid: '0', send: true, substream: 1 }],
    ]);
  });

  it('an off-screen video (last-N) stays paused when the direct path resumes: sent only when neither pauses', async () => {
    const { sfu, subscription } = setup();
    subscription.want(7);
    await tick();
    subscription.answer('a1');
    await tick();
    subscription.setLayer(7, 'camera', 'off');
    await tick();
    subscription.pause(7, true);
    await tick();
    subscription.pause(7, false);
    await tick();
    // Back on screen: the layer asked for now, once the direct path no longer carries it.
    subscription.pause(7, true);
    await tick();
    subscription.setLayer(7, 'camera', 'low');
    await tick();
    subscription.pause(7, false);
    await tick();
    expect(sfu.sendingCalls).toEqual([[{ mid: '0', send: false }], [{ mid: '0', send: true, substream: 0 }]]);
  });
});

function inbox() {
  const messages: ServerMessage[] = [];
  return { messages, send: (m: ServerMessage) => messages.push(m) };
}

function setupRoom() {
  const { sfu, join } = fakeRooms();
  return { sfu, join: (name: string, send = inbox().send) => join(name, send) };
}

describe('Room screen share', () => {
  it('tells the others who shares (and a late joiner after its joined), not the sharer', async () => {
    const { join } = setupRoom();
    const boxA = inbox();
    const boxB = inbox();
    const a = await join('A', boxA.send);
    await join('B', boxB.send);
    a.room.setScreenShare(a.participant, true);
    a.room.setScreenShare(a.participant, true); // no change: not told twice
    const notices = (box: ReturnType<typeof inbox>) => box.messages.filter((m) => m.type === 'screenShare');
    expect(notices(boxB)).toEqual([{ type: 'screenShare', participantId: a.participant.id, active: true }]);
    expect(notices(boxA)).toEqual([]);
    const boxC = inbox();
    await join('C', boxC.send);
    const types = boxC.messages.map((m) => m.type);
    expect(types.indexOf('joined')).toBeLessThan(types.indexOf('screenShare'));
    a.room.setScreenShare(a.participant, false);
    expect(notices(boxC).at(-1)).toEqual({
      type: 'screenShare',
      participantId: a.participant.id,
      active: false,
    });
  });
});

describe('Room.setVideoLayers', () => {
  it('applies entries for feeds the participant receives, skips the rest, and is rate-limited', async () => {
    const { sfu, join } = setupRoom();
    const a = await join('A');
    const b = await join('B');
    sfu.publishers[1]!.emit('connected');
    await tick();
    a.participant.subscription.answer('a1');
    await tick();
    const entries = [
      { participantId: b.participant.id, source: 'camera' as const, layer: 'low' as const },
      { participantId: a.participant.id, source: 'camera' as const, layer: 'low' as const }, // itself
      { participantId: 'p_gone', source: 'camera' as const, layer: 'low' as const },
    ];
    const now = 5_000;
    expect(a.room.setVideoLayers(a.participant, entries, now)).toBe(1);
    expect(a.participant.subscription.layerOf(b.participant.feedId, 'camera')).toBe('low');
    for (let i = 1; i < VIDEO_LAYER_RATE.burst; i++) a.room.setVideoLayers(a.participant, entries, now);
    expect(() => a.room.setVideoLayers(a.participant, entries, now)).toThrow(/too many videoLayers/);
    expect(a.room.setVideoLayers(a.participant, entries, now + 1000)).toBe(1);
  });
});
