import { afterEach, describe, expect, it } from 'vitest';
import { type FakeJanusRequest, pluginSuccess } from '../../../../test/support/fake-janus-sfu.js';
import { type FakeVideoRoom, startFakeVideoRoom } from '../../../../test/support/fake-videoroom.js';
import { JanusError } from './janus-client.js';

let room: FakeVideoRoom | undefined;
afterEach(async () => {
  await room?.close();
  room = undefined;
});

/** A VideoRoomSfu on a FakeJanus whose plugin replies are `reply(body)` (Janus 1.1.2's shapes). */
async function setUp(reply: (body: Record<string, unknown>) => Record<string, unknown>) {
  room = await startFakeVideoRoom({ adminKey: 'admin-key' });
  const { janus, sfu } = room;
  janus.override = (request: FakeJanusRequest) =>
    request.janus === 'message' ? pluginSuccess(request, reply(request.body ?? {})) : undefined;
  const bodies = () => janus.requests.filter((r) => r.janus === 'message').map((r) => r.body);
  return { sfu, bodies };
}

const STREAMS = [
  { kind: 'audio', simulcast: false },
  { kind: 'video', simulcast: true },
  { kind: 'video', simulcast: false },
  { kind: 'audio', simulcast: false },
] as const;

describe('VideoRoom remote publishers (Janus 1.1.2)', () => {
  it('adds a remote publisher mirroring the m-lines in order, bound to the hop address and port pair', async () => {
    const { sfu, bodies } = await setUp((body) =>
      body.request === 'add_remote_publisher'
        ? { videoroom: 'success', room: 7, id: body.id, ip: '127.0.0.1', port: 41000, rtcp_port: 41001 }
        : { videoroom: 'success' },
    );
    const endpoint = await sfu.remotes.addRemotePublisher(7, {
      feedId: 99,
      display: 'Ada',
      streams: STREAMS,
      endpoint: { host: '127.0.0.1', port: 41000, rtcpPort: 41001 },
    });
    expect(endpoint).toEqual({ host: '127.0.0.1', port: 41000, rtcpPort: 41001 });
    expect(bodies()[0]).toEqual({
      request: 'add_remote_publisher',
      room: 7,
      id: 99,
      display: 'Ada',
      iface: '127.0.0.1',
      port: 41000,
      rtcp_port: 41001,
      streams: [
        { type: 'audio', mindex: 0, mid: '0', codec: 'opus' },
        { type: 'video', mindex: 1, mid: '1', codec: 'vp8', simulcast: true },
        { type: 'video', mindex: 2, mid: '2', codec: 'vp8' },
        { type: 'audio', mindex: 3, mid: '3', codec: 'opus' },
      ],
    });
  });

  it('forwards and stops forwarding with the admin key (lock_rtp_forward), and removes', async () => {
    const { sfu, bodies } = await setUp(() => ({ videoroom: 'success' }));
    const endpoint = { host: '127.0.0.1', port: 41000, rtcpPort: 41001 };
    await sfu.remotes.publishRemotely(7, { feedId: 99, remoteId: 'b', endpoint });
    await sfu.remotes.unpublishRemotely(7, { feedId: 99, remoteId: 'b' });
    await sfu.remotes.removeRemotePublisher(7, 99);
    expect(bodies()).toEqual([
      {
        request: 'publish_remotely',
        room: 7,
        publisher_id: 99,
        remote_id: 'b',
        host: '127.0.0.1',
        host_family: 'ipv4',
        port: 41000,
        rtcp_port: 41001,
        admin_key: 'admin-key',
      },
      { request: 'unpublish_remotely', room: 7, publisher_id: 99, remote_id: 'b', admin_key: 'admin-key' },
      { request: 'remove_remote_publisher', room: 7, id: 99 },
    ]);
  });

  it('reads whether the room lists the remote publisher yet', async () => {
    let listed = false;
    const { sfu } = await setUp(() => ({
      videoroom: 'participants',
      room: 7,
      participants: listed ? [{ id: 5 }, { id: 99, publisher: true }] : [{ id: 5 }],
    }));
    expect(await sfu.remotes.hasPublisher(7, 99)).toBe(false);
    listed = true;
    expect(await sfu.remotes.hasPublisher(7, 99)).toBe(true);
  });

  it('refuses a malformed reply and passes on a plugin error', async () => {
    const { sfu } = await setUp((body) =>
      body.request === 'add_remote_publisher'
        ? { videoroom: 'success', id: 99, port: 'no' }
        : { videoroom: 'event', error_code: 436, error: 'Remotization already exists (b)' },
    );
    const endpoint = { host: '127.0.0.1', port: 41000, rtcpPort: 41001 };
    await expect(
      sfu.remotes.addRemotePublisher(7, { feedId: 99, display: 'Ada', streams: STREAMS, endpoint }),
    ).rejects.toThrow(JanusError);
    await expect(sfu.remotes.publishRemotely(7, { feedId: 99, remoteId: 'b', endpoint })).rejects.toThrow(
      /Remotization already exists/,
    );
  });
});
