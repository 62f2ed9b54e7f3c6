import { afterEach, describe, expect, it } from 'vitest';
import { pluginEvent, pluginSuccess } from '../../../../test/support/fake-janus-sfu.js';
import { type FakeVideoRoom, startFakeVideoRoom } from '../../../../test/support/fake-videoroom.js';
import type { SfuCandidate } from './sfu.js';

const CANDIDATE = {
  candidate: 'candidate:1 1 udp 2122260223 192.0.2.1 5000 typ host',
  sdpMid: '0',
  sdpMLineIndex: 0,
};

let room: FakeVideoRoom | undefined;
afterEach(async () => {
  await room?.close();
  room = undefined;
});

/** A VideoRoomSfu whose fake Janus acks trickles. */
async function setUp() {
  room = await startFakeVideoRoom();
  room.janus.override = (request) =>
    request.janus === 'trickle'
      ? { messages: [{ janus: 'ack', transaction: request.transaction, session_id: 42 }] }
      : undefined;
  return room;
}

async function until(condition: () => boolean): Promise<void> {
  const deadline = Date.now() + 2000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('VideoRoomSfu trickle ICE', () => {
  it("sends the browser's candidates on the handle's own id, and null as completed", async () => {
    const { janus, sfu } = await setUp();
    const subscriber = await sfu.createSubscriber(1);
    await subscriber.trickle(CANDIDATE);
    await subscriber.trickle(null);
    const trickles = janus.requests.filter((r) => r.janus === 'trickle');
    // FakeJanus numbers handles from 1000.
    expect(trickles.map((r) => [r.handle_id, r.candidate])).toEqual([
      [1000, CANDIDATE],
      [1000, { completed: true }],
    ]);
  });

  it("emits Janus's own candidates for that handle, and ignores malformed ones", async () => {
    const { janus, sfu } = await setUp();
    const subscriber = await sfu.createSubscriber(1); // handle 1000
    await sfu.createSubscriber(1); // handle 1001: its candidates are not ours
    const heard: (SfuCandidate | null)[] = [];
    subscriber.on('candidate', (c) => heard.push(c));
    janus.push({
      janus: 'trickle',
      session_id: 42,
      sender: 1000,
      candidate: { candidate: 'oops', sdpMid: 3 },
    });
    janus.push({ janus: 'trickle', session_id: 42, sender: 1001, candidate: CANDIDATE });
    janus.push({ janus: 'trickle', session_id: 42, sender: 1000, candidate: CANDIDATE });
    janus.push({ janus: 'trickle', session_id: 42, sender: 1000, candidate: { completed: true } });
    await until(() => heard.length === 2);
    expect(heard).toEqual([CANDIDATE, null]);
  });
});

describe('VideoRoomSfu ICE restart', () => {
  it('restarts a publisher with configure and its offer, and returns the answer', async () => {
    const { janus, sfu } = await setUp();
    janus.override = (request) => {
      if (request.janus !== 'message') return undefined;
      const body = request.body ?? {};
      if (body.request === 'join') return pluginEvent(request, { videoroom: 'joined', room: 1, id: 7 });
      if (body.request === 'publish' || body.request === 'configure')
        return pluginEvent(request, { videoroom: 'event', configured: 'ok' }, { type: 'answer', sdp: 'a2' });
      return undefined;
    };
    const publisher = await sfu.createPublisher(1, 7, 'A');
    expect(await publisher.restartIce('offer-2')).toBe('a2');
    const sent = janus.requests.filter((r) => r.janus === 'message').at(-1);
    expect(sent?.body).toEqual({ request: 'configure' });
    expect(sent?.jsep).toEqual({ type: 'offer', sdp: 'offer-2' });
  });

  it('asks a subscriber for a restart offer, keeping the streams of the last offer', async () => {
    const { janus, sfu } = await setUp();
    const streams = [{ mid: '0', type: 'video', feed_id: 7, active: true }];
    janus.override = (request) => {
      if (request.janus !== 'message') return undefined;
      const body = request.body ?? {};
      if (body.request === 'join')
        return pluginEvent(request, { videoroom: 'attached', streams }, { type: 'offer', sdp: 'o1' });
      if (body.request === 'configure')
        return pluginEvent(request, { videoroom: 'event', configured: 'ok' }, { type: 'offer', sdp: 'o2' });
      return undefined;
    };
    const subscriber = await sfu.createSubscriber(1);
    await expect(subscriber.restartIce()).rejects.toThrow(/no subscriber PeerConnection/);
    await subscriber.update({ add: [7], remove: [] });
    const offer = await subscriber.restartIce();
    expect(offer).toEqual({ sdp: 'o2', streams: [{ mid: '0', feedId: 7, kind: 'video' }] });
    expect(janus.requests.filter((r) => r.janus === 'message').at(-1)?.body).toEqual({
      request: 'configure',
      restart: true,
    });
  });

  it('refuses a restart reply without an offer', async () => {
    const { janus, sfu } = await setUp();
    janus.override = (request) => {
      if (request.janus !== 'message') return undefined;
      const body = request.body ?? {};
      if (body.request === 'join')
        return pluginEvent(request, { videoroom: 'attached', streams: [] }, { type: 'offer', sdp: 'o1' });
      if (body.request === 'configure') return pluginEvent(request, { videoroom: 'event', configured: 'ok' });
      return undefined;
    };
    const subscriber = await sfu.createSubscriber(1);
    await subscriber.update({ add: [7], remove: [] });
    await expect(subscriber.restartIce()).rejects.toThrow(/no offer/);
  });
});

describe('VideoRoomSfu audio levels', () => {
  it("emits talking / stopped-talking for the publisher's own feed only", async () => {
    const { janus, sfu } = await setUp();
    janus.override = (request) => {
      if (request.janus !== 'message') return undefined;
      const body = request.body ?? {};
      if (body.request === 'join') return pluginEvent(request, { videoroom: 'joined', room: 1, id: 7 });
      return undefined;
    };
    const publisher = await sfu.createPublisher(1, 7, 'A'); // handle 1000
    const heard: boolean[] = [];
    publisher.on('talking', (t) => heard.push(t));
    const level = (videoroom: string, id: unknown) =>
      janus.push({
        janus: 'event',
        session_id: 42,
        sender: 1000,
        plugindata: {
          plugin: 'janus.plugin.videoroom',
          data: { videoroom, room: 1, id, 'audio-level-dBov-avg': 12.5 },
        },
      });
    level('talking', 8); // another publisher talking: Janus tells every publisher in the room
    level('talking', 7);
    level('talking', 'seven'); // malformed: ignored
    level('stopped-talking', 7);
    await until(() => heard.length === 2);
    expect(heard).toEqual([true, false]);
  });

  it('creates rooms with audio-level events on', async () => {
    const { janus, sfu } = await setUp();
    janus.override = (request) =>
      request.janus === 'message' && request.body?.request === 'create'
        ? pluginSuccess(request, { videoroom: 'created', room: 5 })
        : undefined;
    await sfu.createRoom(5, 16);
    const create = janus.requests.find((r) => r.body?.request === 'create');
    expect(create?.body).toMatchObject({ audiolevel_event: true });
  });
});
