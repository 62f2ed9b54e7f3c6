// One bot participant: joins a room through our signalling, publishes the pre-encoded VP8 + Opus (or Opus
// only) with werift, subscribes to everyone, and counts the distinct RTP packets it gets from each participant.
import type { IceCandidate, ServerMessage, ServerMessageOf, SubscribedStream } from '@backdrop/protocol';
import {
  MediaStreamTrack,
  type RTCIceCandidate,
  RTCPeerConnection,
  RTCRtpCodecParameters,
  type RTCRtpTransceiver,
  type RtpPacket,
} from 'werift';
import { keepEarlyDtls } from './early-dtls.js';
import type { MediaKind, Player } from './player.js';
import { SeqCounter } from './seq-counter.js';
import { BotSignaling } from './signaling.js';

export interface BotOptions {
  wsUrl: string;
  room: string;
  name: string;
  video: boolean;
  player: Player;
  /** Deadline of each step of the join (socket, joined, publish answer, media flowing). */
  timeoutMs: number;
}

/** Packets sent per kind, and distinct packets received per participant and kind. */
export interface BotCounts {
  participantId: string | undefined;
  /** A bot expects media only from the bots of its own room. */
  room: string;
  sent: Record<MediaKind, number>;
  received: Record<string, Record<MediaKind, number>>;
}

const CODECS = {
  audio: [new RTCRtpCodecParameters({ mimeType: 'audio/opus', clockRate: 48_000, channels: 2 })],
  video: [
    new RTCRtpCodecParameters({
      mimeType: 'video/VP8',
      clockRate: 90_000,
      rtcpFeedback: [{ type: 'nack' }, { type: 'nack', parameter: 'pli' }, { type: 'ccm', parameter: 'fir' }],
    }),
  ],
};

function peerConnection(): RTCPeerConnection {
  return new RTCPeerConnection({
    codecs: CODECS,
    iceAdditionalHostAddresses: ['127.0.0.1'],
    iceUseIpv6: false,
    iceUseTcp: false,
  });
}

export class Bot {
  state: 'idle' | 'joining' | 'joined' | 'closed' = 'idle';
  participantId: string | undefined;
  private signaling: BotSignaling | undefined;
  private publisher: RTCPeerConnection | undefined;
  private subscriber: RTCPeerConnection | undefined;
  private senders: { kind: MediaKind; transceiver: RTCRtpTransceiver }[] = [];
  private readonly detach: (() => void)[] = [];
  /** Subscriber m-line → whose media it carries, from the latest `subscriberOffer`. */
  private streams = new Map<string, SubscribedStream>();
  private readonly counters = new Map<string, SeqCounter>();
  /** Offers are applied one at a time, in order. */
  private offers: Promise<void> = Promise.resolve();
  /** Called when a packet arrives on a mid (join-time tracking). */
  private onFirstPacket: ((mid: string) => void) | undefined;
  errors: string[] = [];

  constructor(private readonly options: BotOptions) {}

  /**
   * Joins, publishes and waits until our media is flowing to the SFU and media from everyone already in the
   * room arrives. Resolves with the time that took (ms).
   */
  async join(): Promise<number> {
    if (this.state !== 'idle') throw new Error(`cannot join while ${this.state}`);
    this.state = 'joining';
    const { timeoutMs } = this.options;
    const started = performance.now();
    const signaling = await BotSignaling.open(this.options.wsUrl, timeoutMs);
    this.signaling = signaling;
    signaling.on((message) => this.onMessage(message));
    const joined = await signaling.request(
      { type: 'join', room: this.options.room, name: this.options.name },
      'joined',
      timeoutMs,
    );
    this.participantId = joined.participantId;
    const others = joined.participants.filter((p) => p.id !== joined.participantId).map((p) => p.id);
    const receiving = this.waitForMediaFrom(others, timeoutMs);
    await this.publish(signaling, timeoutMs);
    await receiving;
    this.state = 'joined';
    return performance.now() - started;
  }

  private async publish(signaling: BotSignaling, timeoutMs: number): Promise<void> {
    const pc = peerConnection();
    this.publisher = pc;
    pc.onIceCandidate.subscribe((candidate) => {
      signaling.send({ type: 'trickle', target: 'publisher', candidate: wireCandidate(candidate) });
    });
    const kinds: MediaKind[] = this.options.video ? ['audio', 'video'] : ['audio'];
    for (const kind of kinds) {
      const transceiver = pc.addTransceiver(new MediaStreamTrack({ kind }), { direction: 'sendonly' });
      this.senders.push({ kind, transceiver });
    }
    await pc.setLocalDescription(await pc.createOffer());
    const answer = await signaling.request(
      { type: 'publish', sdp: pc.localDescription!.sdp },
      'publishAnswer',
      timeoutMs,
    );
    await pc.setRemoteDescription({ type: 'answer', sdp: answer.sdp });
    keepEarlyDtls(pc);
    await within(
      new Promise<void>((resolve, reject) => {
        const check = () => {
          if (pc.connectionState === 'connected') resolve();
          else if (pc.connectionState === 'failed' || pc.connectionState === 'closed')
            reject(new Error(`publisher ${pc.connectionState}`));
        };
        pc.connectionStateChange.subscribe(check);
        check();
      }),
      timeoutMs,
      'publisher connected',
    );
    for (const { kind, transceiver } of this.senders) {
      this.detach.push(this.options.player.attach(kind, transceiver.sender));
    }
  }

  /** Resolves once at least one packet arrived from each of `participants`. */
  private waitForMediaFrom(participants: string[], timeoutMs: number): Promise<void> {
    const waiting = new Set(participants);
    if (waiting.size === 0) return Promise.resolve();
    return within(
      new Promise<void>((resolve) => {
        this.onFirstPacket = (mid) => {
          const stream = this.streams.get(mid);
          if (stream) waiting.delete(stream.participantId);
          if (waiting.size === 0) {
            this.onFirstPacket = undefined;
            resolve();
          }
        };
      }),
      timeoutMs,
      `media from ${participants.length} participant(s)`,
    );
  }

  private onMessage(message: ServerMessage): void {
    if (message.type === 'subscriberOffer') {
      this.offers = this.offers
        .then(() => this.answer(message))
        .catch((error: unknown) => {
          this.errors.push(`subscriber offer: ${String(error)}`);
        });
    } else if (message.type === 'trickle' && message.candidate) {
      const pc = message.target === 'publisher' ? this.publisher : this.subscriber;
      const candidate = message.candidate;
      pc?.addIceCandidate({
        candidate: candidate.candidate,
        sdpMid: candidate.sdpMid ?? undefined,
        sdpMLineIndex: candidate.sdpMLineIndex ?? undefined,
      }).catch((error: unknown) => this.errors.push(`remote candidate: ${String(error)}`));
    } else if (message.type === 'error') {
      this.errors.push(`server error ${message.code}: ${message.message}`);
    }
  }

  private async answer(offer: ServerMessageOf<'subscriberOffer'>): Promise<void> {
    const signaling = this.signaling;
    if (!signaling || this.state === 'closed') return;
    if (!this.subscriber) {
      const pc = peerConnection();
      this.subscriber = pc;
      pc.onIceCandidate.subscribe((candidate) => {
        signaling.send({
          type: 'trickle',
          target: 'subscriber',
          candidate: wireCandidate(candidate),
        });
      });
      pc.onRemoteTransceiverAdded.subscribe((transceiver) => {
        transceiver.onTrack.subscribe((track) => {
          track.onReceiveRtp.subscribe((packet: RtpPacket) => this.count(transceiver.mid, packet));
        });
      });
    }
    this.streams = new Map(offer.streams.map((s) => [s.mid, s]));
    await this.subscriber.setRemoteDescription({ type: 'offer', sdp: offer.sdp });
    await this.subscriber.setLocalDescription(await this.subscriber.createAnswer());
    signaling.send({ type: 'subscriberAnswer', sdp: this.subscriber.localDescription!.sdp });
  }

  private count(mid: string | null, packet: RtpPacket): void {
    if (mid === null) return;
    let counter = this.counters.get(mid);
    if (!counter) {
      counter = new SeqCounter();
      this.counters.set(mid, counter);
    }
    if (counter.add(packet.header.sequenceNumber) && counter.count === 1) this.onFirstPacket?.(mid);
  }

  async counts(): Promise<BotCounts> {
    const sent: Record<MediaKind, number> = { audio: 0, video: 0 };
    for (const { kind, transceiver } of this.senders) {
      // werift's sender counts what it put on the wire (nothing before DTLS is up), as a browser's would.
      for (const stat of (await transceiver.sender.getStats()).values()) {
        if (stat.type === 'outbound-rtp')
          sent[kind] += Number((stat as { packetsSent?: number }).packetsSent ?? 0);
      }
    }
    const received: BotCounts['received'] = {};
    for (const [mid, counter] of this.counters) {
      const stream = this.streams.get(mid);
      if (!stream) continue;
      const entry = received[stream.participantId] ?? { audio: 0, video: 0 };
      entry[stream.kind] += counter.count;
      received[stream.participantId] = entry;
    }
    return { participantId: this.participantId, room: this.options.room, sent, received };
  }

  /** Leaves (best effort) and closes both PeerConnections and the socket. Idempotent. */
  async close(): Promise<void> {
    if (this.state === 'closed') return;
    this.state = 'closed';
    for (const stop of this.detach.splice(0)) stop();
    this.onFirstPacket = undefined;
    this.signaling?.send({ type: 'leave' });
    this.signaling?.close();
    await Promise.allSettled([this.publisher?.close(), this.subscriber?.close()]);
  }
}

/** A werift candidate as our protocol carries it (no usernameFragment: the schema is strict). */
function wireCandidate(candidate: RTCIceCandidate | undefined): IceCandidate | null {
  if (!candidate) return null;
  const { candidate: line, sdpMid, sdpMLineIndex } = candidate.toJSON();
  return { candidate: line, sdpMid: sdpMid ?? null, sdpMLineIndex: sdpMLineIndex ?? null };
}

function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: not within ${ms} ms`)), ms);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}
