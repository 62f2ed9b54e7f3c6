import { EventEmitter } from 'node:events';
import type { Logger } from '../logger.js';
import { type JanusClient, JanusError, pluginData } from './janus-client.js';
import { JanusHandle } from './janus-handle.js';
import {
  type JanusMessage,
  JanusTrickleCandidate,
  VideoRoomData,
  VideoRoomTalkingEvent,
} from './janus-schemas.js';
import type {
  Sfu,
  SfuCandidate,
  SfuOffer,
  SfuPublisher,
  SfuPublisherEvents,
  SfuStream,
  SfuSubscriber,
  SfuSubscriberEvents,
} from './sfu.js';
import { type SfuRemotes, VideoRoomRemotes } from './videoroom-remote.js';

const PLUGIN = 'janus.plugin.videoroom';
/** 20 ms Opus packets per audio-level verdict: one verdict every 0.5 s, so a tile lights up within about 1 s. */
export const AUDIO_ACTIVE_PACKETS = 25;
/**
 * Average audio level (dBov below full scale, 0..127) under which a publisher counts as talking. Janus's default
 * is 25; voice at a normal distance from a laptop microphone averages 30-50 over half a second.
 */
export const AUDIO_LEVEL_AVERAGE = 80;

/** Validates a VideoRoom reply and throws a JanusError for plugin errors or unexpected event names. */
function videoRoomData(message: JanusMessage, expected: string[]): VideoRoomData {
  const result = VideoRoomData.safeParse(pluginData(message));
  if (!result.success) throw new JanusError(`unexpected VideoRoom reply: ${result.error.message}`);
  if (!expected.includes(result.data.videoroom)) {
    throw new JanusError(`expected VideoRoom ${expected.join('/')}, got ${result.data.videoroom}`);
  }
  return result.data;
}

function toOffer(message: JanusMessage, data: VideoRoomData): SfuOffer | null {
  if (!message.jsep) return null;
  if (message.jsep.type !== 'offer') throw new JanusError('subscriber jsep is not an offer');
  const streams: SfuStream[] = [];
  for (const s of data.streams ?? []) {
    if (s.active === false || s.feed_id === undefined) continue;
    if (s.type !== 'audio' && s.type !== 'video') continue;
    streams.push({ mid: s.mid, feedId: s.feed_id, kind: s.type, feedMid: s.feed_mid });
  }
  return { sdp: message.jsep.sdp, streams };
}

/**
 * Janus's own candidate from a `trickle` event (null for `completed`), or undefined if this is no trickle event
 * or it does not parse. Janus sends these only with full_trickle (see janus-config.ts).
 */
function trickledCandidate(message: JanusMessage, logger: Logger): SfuCandidate | null | undefined {
  if (message.janus !== 'trickle') return undefined;
  const parsed = JanusTrickleCandidate.safeParse(message.candidate);
  if (!parsed.success) {
    logger.warn({ err: parsed.error }, 'ignoring a malformed trickle event from janus');
    return undefined;
  }
  if ('completed' in parsed.data) return null;
  const { candidate, sdpMid, sdpMLineIndex } = parsed.data;
  return { candidate, sdpMid, sdpMLineIndex };
}

/**
 * Routes Janus events to the handle objects that own them. One per JanusClient.
 */
class HandleRouter {
  private readonly listeners = new Map<number, (message: JanusMessage) => void>();
  constructor(client: JanusClient) {
    client.on('handleEvent', (handleId, message) => this.listeners.get(handleId)?.(message));
  }
  add(handleId: number, listener: (message: JanusMessage) => void): void {
    this.listeners.set(handleId, listener);
  }
  remove(handleId: number): void {
    this.listeners.delete(handleId);
  }
}

/**
 * The talker's feed id and verdict if `message` is a VideoRoom `talking` / `stopped-talking` event, else
 * undefined.
 */
function talkingEvent(
  message: JanusMessage,
): { feedId: number; talking: boolean; dBovAverage: number | undefined } | undefined {
  if (message.janus !== 'event') return undefined;
  const parsed = VideoRoomTalkingEvent.safeParse(message.plugindata?.data);
  if (!parsed.success) return undefined;
  return {
    feedId: parsed.data.id,
    talking: parsed.data.videoroom === 'talking',
    dBovAverage: parsed.data['audio-level-dBov-avg'],
  };
}

class VideoRoomPublisher extends EventEmitter<SfuPublisherEvents> implements SfuPublisher {
  private readonly handle: JanusHandle;
  /** In the room in Janus: `close` must leave it before detaching. */
  private joined = false;
  /** Our feed id once joined: audio-level events about other feeds reach this handle too and are ignored. */
  private feedId: number | undefined;
  constructor(
    private readonly client: JanusClient,
    private readonly router: HandleRouter,
    handleId: number,
    private readonly logger: Logger,
  ) {
    super();
    this.handle = new JanusHandle(client, handleId);
    router.add(handleId, (message) => {
      if (message.janus === 'webrtcup') this.emit('connected');
      else if (message.janus === 'hangup') this.emit('hangup', message.reason ?? 'hangup');
      const talking = talkingEvent(message);
      if (talking && talking.feedId === this.feedId) {
        logger.debug({ talking: talking.talking, dBovAverage: talking.dBovAverage }, 'audio level verdict');
        this.emit('talking', talking.talking);
      }
      const candidate = trickledCandidate(message, logger);
      if (candidate !== undefined) this.emit('candidate', candidate);
    });
  }

  /** A browser candidate for this publisher's PeerConnection; dropped once the handle is closing. */
  async trickle(candidate: SfuCandidate | null): Promise<void> {
    if (this.handle.isClosed) return;
    await this.client.trickle(this.handle.id, candidate);
  }

  /** Joins the room as this publisher (the handle's first request). */
  async join(roomId: number, feedId: number, display: string): Promise<void> {
    const reply = await this.handle.run(() =>
      this.client.pluginMessage(this.handle.id, {
        request: 'join',
        ptype: 'publisher',
        room: roomId,
        id: feedId,
        display,
      }),
    );
    videoRoomData(reply, ['joined']);
    this.joined = true;
    this.feedId = feedId;
  }

  publish(offerSdp: string): Promise<string> {
    return this.offer('publish', offerSdp);
  }

  /**
   * Janus 1.1.2 (janus.c, janus_process_incoming_request) takes a new offer on a negotiated handle as a
   * renegotiation and restarts ICE when its ice-ufrag/pwd differ (sdp.c, janus_sdp_process_remote); after a
   * hangup the handle is no longer negotiated and the offer sets up a new PeerConnection. VideoRoom refuses
   * `publish` while the publisher is started (434 "already published", janus_videoroom.c) but takes `configure`
   * with a jsep in both cases, so `configure` it is.
   */
  restartIce(offerSdp: string): Promise<string> {
    return this.offer('configure', offerSdp);
  }

  private async offer(request: 'publish' | 'configure', offerSdp: string): Promise<string> {
    const reply = await this.handle.run(() =>
      this.client.pluginMessage(this.handle.id, { request }, { type: 'offer', sdp: offerSdp }),
    );
    videoRoomData(reply, ['event']);
    if (reply.jsep?.type !== 'answer') throw new JanusError(`${request} returned no answer`);
    return reply.jsep.sdp;
  }

  /**
   * Leaves the room, then detaches; idempotent. Janus 1.1.2 detaches a handle's plugin session later, on the
   * handle's own thread, so a room destroy that follows a bare detach can still find this publisher in the room
   * and call close_pc on its freed session (the SIGSEGV in janus_plugin_close_pc). `leave` takes the publisher out
   * of the room before Janus answers it, so no destroy can reach it afterwards.
   */
  close(): Promise<void> {
    this.router.remove(this.handle.id);
    if (!this.handle.isClosed && this.joined && this.client.isOpen) {
      void this.handle
        .run(() => this.client.pluginMessage(this.handle.id, { request: 'leave' }))
        .catch((error: unknown) =>
          this.logger.warn({ err: error }, 'publisher leave failed; detaching anyway'),
        );
    }
    return this.handle.close();
  }
}

class VideoRoomSubscriber extends EventEmitter<SfuSubscriberEvents> implements SfuSubscriber {
  private joined = false;
  /** The streams of the last offer: an ICE-restart offer keeps them, but its reply does not list them. */
  private streams: SfuStream[] = [];
  private readonly handle: JanusHandle;
  constructor(
    private readonly client: JanusClient,
    private readonly router: HandleRouter,
    handleId: number,
    private readonly roomId: number,
    logger: Logger,
  ) {
    super();
    this.handle = new JanusHandle(client, handleId);
    router.add(handleId, (message) => {
      const candidate = trickledCandidate(message, logger);
      if (candidate !== undefined) this.emit('candidate', candidate);
      if (message.janus !== 'event' || !message.jsep) return;
      try {
        const offer = toOffer(message, videoRoomData(message, ['updated', 'attached']));
        if (offer) this.emit('offer', this.remember(offer));
      } catch (error) {
        logger.warn({ err: error }, 'ignoring unsolicited subscriber event');
      }
    });
  }

  update(change: { add: number[]; remove: number[] }): Promise<SfuOffer | null> {
    return this.handle.run(async () => {
      const offer = await this.updateNow(change);
      return offer && this.remember(offer);
    });
  }

  private remember(offer: SfuOffer): SfuOffer {
    this.streams = offer.streams;
    return offer;
  }

  /**
   * VideoRoom `configure` with `restart: true`: Janus answers with a new offer carrying new ICE credentials.
   * Janus postpones it (and sends no reply) while an earlier offer is unanswered, which Subscription rules out.
   */
  restartIce(): Promise<SfuOffer> {
    return this.handle.run(async () => {
      if (!this.joined) throw new JanusError('no subscriber PeerConnection to restart');
      const reply = await this.client.pluginMessage(this.handle.id, { request: 'configure', restart: true });
      const data = videoRoomData(reply, ['event']);
      const offer = toOffer(reply, data);
      if (!offer) throw new JanusError('configure restart returned no offer');
      return { sdp: offer.sdp, streams: this.streams };
    });
  }

  /**
   * VideoRoom `configure` with `streams: [{mid, send}]` (janus_videoroom.c, v1.1.2): flips each stream's
   * relaying without an offer; turning video back on sends the publisher a PLI ("Restoring video for
   * subscriber"), so frames resume at the next keyframe. `substream` switches a simulcast stream's layer
   * (Janus waits for a keyframe of the new layer, asking the publisher for one).
   */
  setSending(
    streams: readonly { mid: string; send: boolean; substream?: 0 | 1 | 2 | undefined }[],
  ): Promise<void> {
    return this.handle.run(async () => {
      if (!this.joined) throw new JanusError('no subscriber PeerConnection to configure');
      if (streams.length === 0) return;
      const reply = await this.client.pluginMessage(this.handle.id, {
        request: 'configure',
        streams: streams.map(({ mid, send, substream }) => ({
          mid,
          send,
          ...(substream === undefined ? {} : { substream }),
        })),
      });
      videoRoomData(reply, ['event']);
    });
  }

  private async updateNow(change: { add: number[]; remove: number[] }): Promise<SfuOffer | null> {
    if (!this.joined) {
      if (change.add.length === 0) return null;
      const reply = await this.client.pluginMessage(this.handle.id, {
        request: 'join',
        ptype: 'subscriber',
        room: this.roomId,
        streams: change.add.map((feed) => ({ feed })),
      });
      this.joined = true;
      return toOffer(reply, videoRoomData(reply, ['attached']));
    }
    const reply = await this.client.pluginMessage(this.handle.id, {
      request: 'update',
      ...(change.add.length ? { subscribe: change.add.map((feed) => ({ feed })) } : {}),
      ...(change.remove.length ? { unsubscribe: change.remove.map((feed) => ({ feed })) } : {}),
    });
    return toOffer(reply, videoRoomData(reply, ['updated', 'event']));
  }

  async trickle(candidate: SfuCandidate | null): Promise<void> {
    if (this.handle.isClosed) return;
    await this.client.trickle(this.handle.id, candidate);
  }

  async answer(sdp: string): Promise<void> {
    const reply = await this.handle.run(() =>
      this.client.pluginMessage(this.handle.id, { request: 'start' }, { type: 'answer', sdp }),
    );
    videoRoomData(reply, ['event']);
  }

  /** Detaches the handle once its request in flight (if any) is answered; idempotent. */
  close(): Promise<void> {
    this.router.remove(this.handle.id);
    return this.handle.close();
  }
}

/** The Sfu over one Janus VideoRoom plugin, through the server's JanusClient. */
export class VideoRoomSfu implements Sfu {
  private readonly router: HandleRouter;
  private controlHandle: Promise<number> | undefined;
  /** Remote publishers: a room cascaded over several Janus instances (cluster/cascade). */
  readonly remotes: SfuRemotes;

  constructor(
    private readonly client: JanusClient,
    private readonly adminKey: string | undefined,
    private readonly logger: Logger,
  ) {
    this.router = new HandleRouter(client);
    this.remotes = new VideoRoomRemotes(client, () => this.control(), adminKey);
  }

  private control(): Promise<number> {
    this.controlHandle ??= this.client.attach(PLUGIN);
    return this.controlHandle;
  }

  async createRoom(roomId: number, maxPublishers: number): Promise<void> {
    const data = await this.client.pluginRequest(await this.control(), {
      request: 'create',
      room: roomId,
      ...(this.adminKey ? { admin_key: this.adminKey } : {}),
      permanent: false,
      is_private: true,
      publishers: maxPublishers,
      audiocodec: 'opus',
      videocodec: 'vp8',
      bitrate: 1_500_000,
      fir_freq: 5,
      notify_joining: false,
      // Janus averages the audio-level RTP extension (0 loudest .. 127 silence) over AUDIO_ACTIVE_PACKETS
      // packets and says `talking` when the average is under AUDIO_LEVEL_AVERAGE.
      audiolevel_event: true,
      audio_active_packets: AUDIO_ACTIVE_PACKETS,
      audio_level_average: AUDIO_LEVEL_AVERAGE,
    });
    if (data.videoroom !== 'created')
      throw new JanusError(`room create: unexpected ${String(data.videoroom)}`);
  }

  async destroyRoom(roomId: number): Promise<void> {
    await this.client.pluginRequest(await this.control(), {
      request: 'destroy',
      room: roomId,
      permanent: false,
    });
  }

  async createPublisher(roomId: number, feedId: number, display: string): Promise<SfuPublisher> {
    const handleId = await this.client.attach(PLUGIN);
    const publisher = new VideoRoomPublisher(
      this.client,
      this.router,
      handleId,
      this.logger.child({ handle: handleId }),
    );
    try {
      await publisher.join(roomId, feedId, display);
      return publisher;
    } catch (error) {
      await publisher.close();
      throw error;
    }
  }

  async createSubscriber(roomId: number): Promise<SfuSubscriber> {
    const handleId = await this.client.attach(PLUGIN);
    return new VideoRoomSubscriber(this.client, this.router, handleId, roomId, this.logger);
  }
}
