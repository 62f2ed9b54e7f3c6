import { afterEach, describe, expect, it } from 'vitest';
import {
  type FakeJanus,
  type FakeJanusRequest,
  pluginEvent,
} from '../../../../test/support/fake-janus-sfu.js';
import { type FakeVideoRoom, startFakeVideoRoom } from '../../../../test/support/fake-videoroom.js';

let room: FakeVideoRoom | undefined;
afterEach(async () => {
  await room?.close();
  room = undefined;
});

/** Answers VideoRoom async requests like Janus 1.1.2 (ack, then the event), `publish` after `publishDelayMs`. */
async function setUp(publishDelayMs = 0): Promise<FakeVideoRoom> {
  room = await startFakeVideoRoom({ requestTimeoutMs: 1_000 });
  room.janus.override = (request: FakeJanusRequest) => {
    const kind = request.body?.request;
    if (request.janus !== 'message' || !['join', 'publish', 'leave'].includes(String(kind))) return undefined;
    if (kind === 'join') return pluginEvent(request, { videoroom: 'joined', room: 1, id: 2 });
    if (kind === 'leave') return pluginEvent(request, { videoroom: 'event', room: 1, leaving: 'ok' });
    const answer = { type: 'answer', sdp: 'v=0\r\n' };
    return pluginEvent(request, { videoroom: 'event', room: 1, configured: 'ok' }, answer, publishDelayMs);
  };
  return room;
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
