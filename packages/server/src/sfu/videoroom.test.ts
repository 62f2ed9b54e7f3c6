import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeJanus } from '../../../../test/support/fake-janus-sfu.js';
import { JanusClient } from './janus-client.js';
import type { SfuCandidate } from './sfu.js';
import { VideoRoomSfu } from './videoroom.js';

const logger = pino({ level: 'silent' });
const CANDIDATE = {
  candidate: 'candidate:1 1 udp 2122260223 192.0.2.1 5000 typ host',
  sdpMid: '0',
  sdpMLineIndex: 0,
};

let janus: FakeJanus | undefined;
let client: JanusClient | undefined;
afterEach(async () => {
  client?.close();
  await janus?.close();
});

async function setUp() {
  janus = await FakeJanus.start();
  const fake = janus;
  fake.override = (request) =>
    request.janus === 'trickle'
      ? { messages: [{ janus: 'ack', transaction: request.transaction, session_id: 42 }] }
      : undefined;
  client = await JanusClient.connect(fake.url, 'secret', logger, {
    requestTimeoutMs: 500,
    keepaliveMs: 60_000,
    pingMs: 60_000,
  });
  const sfu = new VideoRoomSfu(client, undefined, logger);
  return { janus: fake, sfu };
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

/** Janus's asynchronous plugin answer (`ack`, then `event`) to one request, with an optional jsep. */
function pluginEvent(
  request: { transaction: string; handle_id?: unknown },
  data: object,
  jsep?: { type: string; sdp: string },
) {
  return {
    messages: [
      { janus: 'ack', transaction: request.transaction, session_id: 42 },
      {
        janus: 'event',
        transaction: request.transaction,
        session_id: 42,
        sender: request.handle_id,
        plugindata: { plugin: 'janus.plugin.videoroom', data },
        ...(jsep ? { jsep } : {}),
      },
    ],
  };
}

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
        ? {
            messages: [
              {
                janus: 'success',
                transaction: request.transaction,
                session_id: 42,
                sender: request.handle_id,
                plugindata: { plugin: 'janus.plugin.videoroom', data: { videoroom: 'created', room: 5 } },
              },
            ],
          }
        : undefined;
    await sfu.createRoom(5, 16);
    const create = janus.requests.find((r) => r.body?.request === 'create');
    expect(create?.body).toMatchObject({ audiolevel_event: true });
  });
});
