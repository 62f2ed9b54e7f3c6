import type { ListenerErrorLog } from '@backdrop/events';
import type { IceCandidate, IceTarget, ServerMessageOf } from '@backdrop/protocol';
import { BackdropError } from './errors.js';
import { TrickleIce } from './ice.js';
import { IceWatchdog } from './ice-watchdog.js';
import type { RecoverySettings } from './recovery.js';
import type { Roster } from './roster.js';
import type { SignalingChannel } from './signaling.js';
import { SCREEN_ENCODING, SIMULCAST_ENCODINGS, uploadEncodings } from './simulcast.js';
import type { Clock, PeerConnection, PeerConnectionFactory } from './transport.js';

export interface MediaOptions {
  createPeerConnection: PeerConnectionFactory;
  clock: Clock;
  random: () => number;
  settings: RecoverySettings;
  log: ListenerErrorLog | undefined;
  /** The PeerConnections' configuration as of now (ICE servers change with each `joined`). */
  configuration(): RTCConfiguration;
  /** The signalling channel while it is usable; undefined while it is down (reconnecting). */
  signaling(): SignalingChannel | undefined;
  roster: Roster;
  onError(error: BackdropError): void;
  /** Publish the camera as three simulcast layers (default); false: one layer. */
  simulcast?: boolean | undefined;
}

/**
 * The publisher's m-lines, always added in this order (the server reads a mid's source from it, see
 * server rooms/stream-sources.ts): microphone, camera, screen video, screen audio. The share's two are there
 * from the first publish, empty until a share starts, so starting and stopping one needs no renegotiation.
 */
interface PublisherSlots {
  mic: RTCRtpTransceiver;
  camera: RTCRtpTransceiver;
  screenVideo: RTCRtpTransceiver;
  screenAudio: RTCRtpTransceiver;
}

/** One of our two PeerConnections, its trickle ICE, and the watchdog that restarts its ICE. */
interface Link {
  pc: PeerConnection;
  trickle: TrickleIce;
  watchdog: IceWatchdog;
}

/**
 * Our two PeerConnections: the publisher (our tracks to the SFU) and the multistream subscriber (everyone
 * else's), their trickle ICE and their ICE restarts. It remembers what it publishes (the current video track
 * after replaceVideoTrack), so a fresh join can publish the same tracks again.
 */
export class Media {
  private publisher: Link | undefined;
  private slots: PublisherSlots | undefined;
  private subscriber: Link | undefined;
  private _tracks: MediaStreamTrack[] | undefined;
  /** The screen share being sent (video, and tab/system audio if any); kept across a fresh join. */
  private screen: { video: MediaStreamTrack; audio: MediaStreamTrack | undefined } | undefined;
  /** Subscriber offers are applied one after another. */
  private subscriberQueue: Promise<void> = Promise.resolve();
  /** Whether our media goes to the SFU (false while a direct peer receives it and nobody else does). */
  private uploadActive = true;
  /** Waiting for the next subscriber offer to be answered (a subscriber ICE restart). */
  private readonly offerWaiters = new Set<() => void>();

  constructor(private readonly options: MediaOptions) {}

  /** What we publish, or undefined before publish. */
  get tracks(): readonly MediaStreamTrack[] | undefined {
    return this._tracks;
  }

  get publishing(): boolean {
    return this.publisher !== undefined;
  }

  async publish(tracks: readonly MediaStreamTrack[]): Promise<void> {
    const signaling = this.requireSignaling();
    this._tracks = [...tracks];
    const link = this.createLink('publisher');
    this.publisher = link;
    const { pc } = link;
    const stream = new MediaStream([...tracks]);
    const mic = tracks.find((t) => t.kind === 'audio');
    const camera = tracks.find((t) => t.kind === 'video');
    const screenStream = new MediaStream();
    const simulcast = this.options.simulcast ?? true;
    this.slots = {
      mic: pc.addTransceiver(mic ?? 'audio', { direction: 'sendonly', streams: [stream] }),
      camera: pc.addTransceiver(camera ?? 'video', {
        direction: 'sendonly',
        streams: [stream],
        ...(simulcast ? { sendEncodings: SIMULCAST_ENCODINGS.map((e) => ({ ...e })) } : {}),
      }),
      screenVideo: pc.addTransceiver(this.screen?.video ?? 'video', {
        direction: 'sendonly',
        streams: [screenStream],
        sendEncodings: [{ ...SCREEN_ENCODING }],
      }),
      screenAudio: pc.addTransceiver(this.screen?.audio ?? 'audio', {
        direction: 'sendonly',
        streams: [screenStream],
      }),
    };
    await pc.setLocalDescription(await pc.createOffer());
    // No wait for ICE gathering: the candidates follow the offer as `trickle` messages.
    const answer = await signaling.request(
      { type: 'publish', sdp: pc.localDescription!.sdp },
      'publishAnswer',
    );
    if (this.publisher !== link) return;
    await pc.setRemoteDescription({ type: 'answer', sdp: answer.sdp });
    link.trickle.remoteDescriptionSet();
  }

  /**
   * Stops or restarts sending our media to the SFU (the server's `sfuUpload`), keeping the PeerConnection
   * and its ICE, so restarting is immediate (a simulcast camera keeps its lowest layer warm: uploadEncodings).
   */
  async setUploadActive(active: boolean): Promise<void> {
    this.uploadActive = active;
    await this.applyUploadActive();
  }

  private async applyUploadActive(): Promise<void> {
    const active = this.uploadActive;
    const senders = this.publisher?.pc.getSenders() ?? [];
    await Promise.all(
      senders.map(async (sender) => {
        const parameters = sender.getParameters();
        const encodings = uploadEncodings(parameters.encodings, active);
        if (parameters.encodings.length === 0 || !encodings) return;
        parameters.encodings = encodings;
        await sender.setParameters(parameters);
      }),
    );
  }

  /** Swaps the published camera track; remembered even while no PeerConnection sends it (reconnecting). */
  async replaceVideoTrack(track: MediaStreamTrack): Promise<void> {
    const index = this._tracks?.findIndex((t) => t.kind === 'video') ?? -1;
    const sender = this.slots?.camera.sender;
    if (!sender && index < 0) throw BackdropError.invalidState('not publishing video');
    if (this._tracks && index >= 0) this._tracks[index] = track;
    else this._tracks?.push(track);
    await sender?.replaceTrack(track);
  }

  /** Swaps the published microphone track; remembered even while no PeerConnection sends it. */
  async replaceAudioTrack(track: MediaStreamTrack): Promise<void> {
    const index = this._tracks?.findIndex((t) => t.kind === 'audio') ?? -1;
    const sender = this.slots?.mic.sender;
    if (!sender && index < 0) throw BackdropError.invalidState('not publishing audio');
    if (this._tracks && index >= 0) this._tracks[index] = track;
    else this._tracks?.push(track);
    await sender?.replaceTrack(track);
  }

  /** The screen share being sent, if any. */
  get screenShare(): { video: MediaStreamTrack; audio: MediaStreamTrack | undefined } | undefined {
    return this.screen;
  }

  /**
   * Puts a screen share on the publisher's screen m-lines (or takes it off with undefined): a track swap, no
   * renegotiation. Remembered, so a fresh join publishes it again. The tracks stay the caller's to stop.
   */
  async setScreenShare(share: { video: MediaStreamTrack; audio?: MediaStreamTrack | undefined } | undefined) {
    this.screen = share && { video: share.video, audio: share.audio };
    const slots = this.slots;
    if (!slots) return;
    await Promise.all([
      slots.screenVideo.sender.replaceTrack(share?.video ?? null),
      slots.screenAudio.sender.replaceTrack(share?.audio ?? null),
    ]);
  }

  onSubscriberOffer(offer: ServerMessageOf<'subscriberOffer'>): void {
    this.subscriberQueue = this.subscriberQueue
      .then(() => this.applySubscriberOffer(offer))
      .catch((error: unknown) =>
        this.options.onError(new BackdropError('media_failed', 'could not receive media', { cause: error })),
      );
  }

  /** One of the SFU's candidates. */
  addRemoteCandidate(target: IceTarget, candidate: IceCandidate | null): void {
    const link = target === 'publisher' ? this.publisher : this.subscriber;
    link?.trickle.addRemote(candidate);
  }

  /** New ICE servers (a resume brings fresh TURN credentials) for both PeerConnections. */
  reconfigure(): void {
    for (const link of [this.publisher, this.subscriber]) {
      try {
        link?.pc.setConfiguration(this.options.configuration());
      } catch (error) {
        this.options.log?.error('could not set the new ICE servers', { error: String(error) });
      }
    }
  }

  /** ICE restart of both PeerConnections (after a resume or a network change). */
  restartIce(): void {
    this.publisher?.watchdog.restartNow();
    this.subscriber?.watchdog.restartNow();
  }

  /** Closes both PeerConnections; every subscribed track is unsubscribed. Keeps `tracks`. Idempotent. */
  close(): void {
    for (const link of [this.publisher, this.subscriber]) {
      link?.watchdog.close();
      link?.pc.close();
    }
    this.publisher = undefined;
    this.slots = undefined;
    this.subscriber = undefined;
    this.uploadActive = true;
    this.offerWaiters.clear();
    this.options.roster.clearTracks();
  }

  /** Closes and forgets what we published. */
  dispose(): void {
    this.close();
    this._tracks = undefined;
    this.screen = undefined;
  }

  private requireSignaling(): SignalingChannel {
    const signaling = this.options.signaling();
    if (!signaling) throw BackdropError.invalidState('join a room first');
    return signaling;
  }

  /** A PeerConnection with our ICE settings, trickling to the server as `target`, watched for ICE loss. */
  private createLink(target: IceTarget): Link {
    const { options } = this;
    const pc = options.createPeerConnection(options.configuration());
    const trickle = new TrickleIce({
      pc,
      send: (candidate) => this.sendCandidate(target, candidate),
      onError: (error) =>
        options.log?.error('an ICE candidate from the server was refused', { target, error }),
    });
    const watchdog = new IceWatchdog({
      pc,
      clock: options.clock,
      random: options.random,
      graceMs: options.settings.iceDisconnectedGraceMs,
      retryDelaysMs: options.settings.iceRetryDelaysMs,
      jitter: options.settings.jitter,
      restart: () => (target === 'publisher' ? this.restartPublisherIce(pc) : this.restartSubscriberIce(pc)),
      onError: (error) => options.log?.error('ICE restart failed', { target, error: String(error) }),
    });
    const link = { pc, trickle, watchdog };
    pc.addEventListener('connectionstatechange', () => {
      const current = target === 'publisher' ? this.publisher : this.subscriber;
      if (pc.connectionState === 'failed' && current === link) {
        const what = target === 'publisher' ? 'sending your media' : 'receiving media';
        options.onError(new BackdropError('media_failed', `the connection ${what} failed; restarting it`));
      }
    });
    return link;
  }

  /** Candidates found while the socket is down are dropped: the ICE restart after the resume gathers anew. */
  private sendCandidate(target: IceTarget, candidate: IceCandidate | null): void {
    try {
      this.options.signaling()?.send({ type: 'trickle', target, candidate });
    } catch {
      // The socket closed under us: the Room handles that loss.
    }
  }

  private async restartPublisherIce(pc: PeerConnection): Promise<void> {
    const signaling = this.options.signaling();
    // Without a socket the resume restarts it; before the first answer there is nothing to restart.
    if (!signaling || this.publisher?.pc !== pc || !pc.remoteDescription) return;
    const link = this.publisher;
    try {
      await pc.setLocalDescription(await pc.createOffer({ iceRestart: true }));
      const answer = await this.within(
        signaling.request({ type: 'restartPublisherIce', sdp: pc.localDescription!.sdp }, 'publishAnswer'),
        'publishAnswer to an ICE restart',
      );
      if (this.publisher !== link) return;
      await pc.setRemoteDescription({ type: 'answer', sdp: answer.sdp });
      link.trickle.remoteDescriptionSet();
    } catch (error) {
      // Back to the last agreed description, so the next restart starts from a stable state.
      if (pc.signalingState === 'have-local-offer') {
        await pc.setLocalDescription({ type: 'rollback' }).catch(() => undefined);
      }
      throw error;
    }
  }

  /** Asks the SFU for a restarted offer and waits until it has been answered. */
  private async restartSubscriberIce(pc: PeerConnection): Promise<void> {
    const signaling = this.options.signaling();
    if (!signaling || this.subscriber?.pc !== pc) return;
    let answered: (() => void) | undefined;
    const done = new Promise<void>((resolve) => {
      answered = resolve;
      this.offerWaiters.add(resolve);
    });
    const request = signaling.sendWatched({ type: 'restartSubscriberIce' });
    try {
      await this.within(Promise.race([done, request.refused]), 'subscriberOffer for an ICE restart');
    } finally {
      request.done();
      if (answered) this.offerWaiters.delete(answered);
    }
  }

  /** `promise`, or a timeout error after iceRestartTimeoutMs. */
  private within<T>(promise: Promise<T>, what: string): Promise<T> {
    const { clock, settings } = this.options;
    const ms = settings.iceRestartTimeoutMs;
    let timer: unknown;
    const timeout = new Promise<never>((_, reject) => {
      timer = clock.setTimeout(() => reject(new BackdropError('timeout', `no ${what} in ${ms} ms`)), ms);
    });
    return Promise.race([promise, timeout]).finally(() => clock.clearTimeout(timer));
  }

  private async applySubscriberOffer(offer: ServerMessageOf<'subscriberOffer'>): Promise<void> {
    const signaling = this.options.signaling();
    if (!signaling) return;
    this.subscriber ??= this.createLink('subscriber');
    const { pc, trickle } = this.subscriber;
    await pc.setRemoteDescription({ type: 'offer', sdp: offer.sdp });
    trickle.remoteDescriptionSet();
    await pc.setLocalDescription(await pc.createAnswer());
    // No wait for ICE gathering: the candidates follow the answer as `trickle` messages.
    signaling.send({ type: 'subscriberAnswer', sdp: pc.localDescription!.sdp });
    const received = pc
      .getTransceivers()
      .flatMap((t) => (t.mid ? [{ mid: t.mid, track: t.receiver.track, receiver: t.receiver }] : []));
    this.options.roster.applyStreams(received, offer.streams);
    for (const answered of this.offerWaiters) answered();
    this.offerWaiters.clear();
  }
}
