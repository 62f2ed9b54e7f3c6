import * as z from 'zod';
import { type JanusClient, JanusError } from './janus-client.js';

/** One m-line of a remote publisher, in the order of the real publisher's m-lines (its mindex). */
export interface RemoteStreamSpec {
  kind: 'audio' | 'video';
  /** The camera's video carries simulcast layers (Janus forwards each layer with its own SSRC). */
  simulcast: boolean;
}

/** Where a remote publisher listens for the plain RTP of the hop. */
export interface RemoteEndpoint {
  host: string;
  port: number;
  rtcpPort: number;
}

/**
 * Janus VideoRoom remote publishers (janus-gateway PR #3014, in Debian's 1.1.2): one Janus forwards a local
 * publisher's RTP (`publish_remotely`) to a publisher another Janus created for it (`add_remote_publisher`),
 * whose local subscribers then subscribe to it like to any publisher. Plain RTP only in 1.1.2 (SRTP on the hop
 * came with #3449, 2024): the hop must stay on loopback or a private network.
 */
export interface SfuRemotes {
  /** Creates a publisher fed by plain RTP on `endpoint` (bound to `endpoint.host`); resolves where it listens. */
  addRemotePublisher(
    roomId: number,
    spec: { feedId: number; display: string; streams: readonly RemoteStreamSpec[]; endpoint: RemoteEndpoint },
  ): Promise<RemoteEndpoint>;
  removeRemotePublisher(roomId: number, feedId: number): Promise<void>;
  /** Forwards local publisher `feedId` to another Janus's remote publisher, named `remoteId` here. */
  publishRemotely(
    roomId: number,
    forward: { feedId: number; remoteId: string; endpoint: RemoteEndpoint },
  ): Promise<void>;
  unpublishRemotely(roomId: number, forward: { feedId: number; remoteId: string }): Promise<void>;
  /**
   * Whether `feedId` is in the room yet. Janus 1.1.2 answers `add_remote_publisher` before the remote
   * publisher's thread has put it in the room: a subscribe before that fails with 428 "No such feed".
   */
  hasPublisher(roomId: number, feedId: number): Promise<boolean>;
}

/** Janus's reply to `add_remote_publisher` (janus_videoroom.c 1.1.2: `success`, `id`, `ip`?, `port`, `rtcp_port`). */
const AddRemoteReply = z.looseObject({
  videoroom: z.literal('success'),
  id: z.number(),
  ip: z.string().optional(),
  port: z.number().int().min(1).max(65535),
  rtcp_port: z.number().int().min(1).max(65535),
});
const SuccessReply = z.looseObject({ videoroom: z.literal('success') });
const ParticipantsReply = z.looseObject({
  videoroom: z.literal('participants'),
  participants: z.array(z.looseObject({ id: z.number() })),
});

function parse<T>(schema: z.ZodType<T>, data: unknown, what: string): T {
  const result = schema.safeParse(data);
  if (!result.success) throw new JanusError(`unexpected ${what} reply: ${result.error.message}`);
  return result.data;
}

/**
 * SfuRemotes over one Janus, on the control handle (synchronous VideoRoom requests). `publish_remotely` and
 * `unpublish_remotely` carry the admin key (our Janus runs with `lock_rtp_forward = true`).
 */
export class VideoRoomRemotes implements SfuRemotes {
  constructor(
    private readonly client: JanusClient,
    private readonly control: () => Promise<number>,
    private readonly adminKey: string | undefined,
  ) {}

  private async request(body: Record<string, unknown>): Promise<Record<string, unknown>> {
    return this.client.pluginRequest(await this.control(), body);
  }

  async addRemotePublisher(
    roomId: number,
    spec: { feedId: number; display: string; streams: readonly RemoteStreamSpec[]; endpoint: RemoteEndpoint },
  ): Promise<RemoteEndpoint> {
    // Janus numbers the remote publisher's streams (mid "0", "1", ...) by their order here, and demultiplexes the
    // hop by SSRC = 1000 + 10 * mindex (+ layer): the order must be the real publisher's m-line order.
    const data = await this.request({
      request: 'add_remote_publisher',
      room: roomId,
      id: spec.feedId,
      display: spec.display,
      iface: spec.endpoint.host,
      port: spec.endpoint.port,
      rtcp_port: spec.endpoint.rtcpPort,
      streams: spec.streams.map((s, mindex) => ({
        type: s.kind,
        mindex,
        mid: String(mindex),
        codec: s.kind === 'audio' ? 'opus' : 'vp8',
        ...(s.kind === 'video' && s.simulcast ? { simulcast: true } : {}),
      })),
    });
    const reply = parse(AddRemoteReply, data, 'add_remote_publisher');
    return { host: reply.ip ?? spec.endpoint.host, port: reply.port, rtcpPort: reply.rtcp_port };
  }

  async removeRemotePublisher(roomId: number, feedId: number): Promise<void> {
    parse(
      SuccessReply,
      await this.request({ request: 'remove_remote_publisher', room: roomId, id: feedId }),
      'remove_remote_publisher',
    );
  }

  async publishRemotely(
    roomId: number,
    forward: { feedId: number; remoteId: string; endpoint: RemoteEndpoint },
  ): Promise<void> {
    // rtcp_port: Janus sends two empty packets there so the remote side learns where to send its PLIs, and
    // relays the PLIs it gets back to the real publisher (janus_videoroom_rtp_forwarder_rtcp_receive).
    const data = await this.request({
      request: 'publish_remotely',
      room: roomId,
      publisher_id: forward.feedId,
      remote_id: forward.remoteId,
      host: forward.endpoint.host,
      host_family: 'ipv4',
      port: forward.endpoint.port,
      rtcp_port: forward.endpoint.rtcpPort,
      ...(this.adminKey ? { admin_key: this.adminKey } : {}),
    });
    parse(SuccessReply, data, 'publish_remotely');
  }

  async hasPublisher(roomId: number, feedId: number): Promise<boolean> {
    const data = await this.request({ request: 'listparticipants', room: roomId });
    return parse(ParticipantsReply, data, 'listparticipants').participants.some((p) => p.id === feedId);
  }

  async unpublishRemotely(roomId: number, forward: { feedId: number; remoteId: string }): Promise<void> {
    const data = await this.request({
      request: 'unpublish_remotely',
      room: roomId,
      publisher_id: forward.feedId,
      remote_id: forward.remoteId,
      ...(this.adminKey ? { admin_key: this.adminKey } : {}),
    });
    parse(SuccessReply, data, 'unpublish_remotely');
  }
}
