import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeJanus, type FakeJanusRequest } from '../../../../test/support/fake-janus-sfu.js';
import { JanusClient } from './janus-client.js';
import { VideoRoomSfu } from './videoroom.js';

const logger = pino({ level: 'silent' });

let janus: FakeJanus | undefined;
let client: JanusClient | undefined;
afterEach(async () => {
  client?.close();
  await janus?.close();
});

/** Answers VideoRoom async requests like Janus 1.1.2 (ack, then the event), `publish` after `publishDelayMs`. */
async function setUp(publishDelayMs = 0): Promise<{ janus: FakeJanus; sfu: VideoRoomSfu }> {
  janus = await FakeJanus.start();
  janus.override = (request: FakeJanusRequest) => {
    const kind = request.body?.request;
    if (request.janus !== 'message' || !['join', 'publish', 'leave'].includes(String(kind))) return undefined;
    const data =
      kind === 'join'
        ? { videoroom: 'joined', room: 1, id: 2 }
        : { videoroom: 'event', room: 1, ...(kind === 'leave' ? { leaving: 'ok' } : { configured: 'ok' }) };
    const event = {
      janus: 'event',
      transaction: request.transaction,
      session_id: 42,
      sender: request.handle_id,
      plugindata: { plugin: 'janus.plugin.videoroom', data },
      ...(kind === 'publish' ? { jsep: { type: 'answer', sdp: 'v=0\r\n' } } : {}),
    };
    return { messages: [event], delayMs: kind === 'publish' ? publishDelayMs : 0 };
  };
  client = await JanusClient.connect(janus.url, 'secret', logger, {
    requestTimeoutMs: 1_000,
    keepaliveMs: 60_000,
    pingMs: 60_000,
  });
  return { janus, sfu: new VideoRoomSfu(client, undefined, logger) };
}

/** The requests sent on one handle, as `janus` or `message:<request>`. */
function onHandle(janus: FakeJanus, handleId: unknown): string[] {
  return janus.requests
    .filter((r) => r.handle_id === handleId)
    .map((r) => (r.janus === 'message' ? `message:${String(r.body?.request)}` : r.janus));
}

describe('VideoRoomSfu handles and Janus 1.1.2 races', () => {
  it('a publisher leaves the room before its handle is detached', async () => {
    const { janus, sfu } = await setUp();
    const publisher = await sfu.createPublisher(1, 2, 'A');
    await publisher.close();
    const handleId = janus.requests.find((r) => r.body?.request === 'join')?.handle_id;
    expect(onHandle(janus, handleId)).toEqual(['message:join', 'message:leave', 'detach']);
  });

  it('detaches only after the publish in flight is answered, and closes once', async () => {
    const { janus, sfu } = await setUp(50);
    const publisher = await sfu.createPublisher(1, 2, 'A');
    const answer = publisher.publish('offer');
    const closes = [publisher.close(), publisher.close()];
    await expect(answer).resolves.toBe('v=0\r\n');
    await Promise.all(closes);
    const handleId = janus.requests.find((r) => r.body?.request === 'join')?.handle_id;
    expect(onHandle(janus, handleId)).toEqual(['message:join', 'message:publish', 'message:leave', 'detach']);
  });
});
