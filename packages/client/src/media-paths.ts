import type { ServerMessageOf } from '@backdrop/protocol';
import type { PeerSignal } from './direct-path.js';
import { type MediaSource, TrackSources } from './track-sources.js';

/** What MediaPaths needs of a direct path (DirectPath; tests pass a fake). */
export interface DirectLink {
  readonly peerId: string;
  handleSignal(signal: PeerSignal): Promise<void>;
  replaceVideoTrack(track: MediaStreamTrack): Promise<void>;
  replaceAudioTrack(track: MediaStreamTrack): Promise<void>;
  finish(): void;
  close(): void;
  on(event: 'track', listener: (track: MediaStreamTrack, receiver: RTCRtpReceiver) => void): unknown;
  on(event: 'closed', listener: () => void): unknown;
}

export interface MediaPathsOptions {
  /** Makes the direct path to `peerId`, sending our current tracks. */
  createDirect(peerId: string, polite: boolean, tracks: readonly MediaStreamTrack[]): DirectLink;
  /** Resolves once the receiver carries new media (flow-watch.ts); rejects when the signal aborts. */
  whenFlowing(receiver: RTCRtpReceiver, signal: AbortSignal): Promise<void>;
  /**
   * Puts `shown` into the participant's stream and takes `hidden` out, in one step before any event is emitted
   * (`trackSubscribed` / `trackUnsubscribed`): a switch of paths never leaves the stream without a video track
   * while a listener runs.
   */
  swap(participantId: string, shown: readonly MediaStreamTrack[], hidden: readonly MediaStreamTrack[]): void;
  /**
   * Tells the server whether we show `peerId`'s media from the direct path (`true`: the SFU pauses it to us)
   * or lost it (`false`: the SFU relays it again).
   */
  sendDirectMedia(peerId: string, receiving: boolean): void;
}

interface Watch {
  controller: AbortController;
  source: MediaSource;
  participantId: string;
}

/**
 * Which path each remote participant's media is shown from. Every track, from the SFU's subscriber
 * PeerConnection or from the direct one, is reported here; each participant's TrackSources picks what to show,
 * and a switch happens only once the chosen path's media flows, so tiles never go blank.
 *
 * On `direct`: a DirectPath to the peer; once its media shows, `directMedia {receiving: true}` (the SFU pauses
 * the peer's streams to us but keeps their m-lines). On `sfu`: the SFU resumes them; once they flow again the
 * DirectPath is finished. If the DirectPath closes early (it failed), the SFU's tracks come back and the
 * server is told `receiving: false`.
 *
 * Receivers are watched for flowing media (a getStats poll) only where a switch is pending: the direct peer's
 * tracks; everyone else's SFU tracks are shown as they come.
 */
export class MediaPaths {
  private readonly sources = new Map<string, TrackSources<MediaStreamTrack>>();
  private readonly receivers = new Map<MediaStreamTrack, RTCRtpReceiver>();
  private readonly watches = new Map<MediaStreamTrack, Watch>();
  private readonly screen = new Map<string, Set<MediaStreamTrack>>();
  private direct: DirectLink | undefined;
  /** We told the server we receive the direct peer directly (so its SFU streams to us are paused). */
  private directMediaSent = false;
  private localTracks: MediaStreamTrack[] = [];
  private closing = false;

  constructor(private readonly options: MediaPathsOptions) {}

  /** The peer of the current direct path, if any. */
  get directPeer(): string | undefined {
    return this.direct?.peerId;
  }

  /** Our published tracks, sent on every direct path made from now on. */
  setLocalTracks(tracks: readonly MediaStreamTrack[]): void {
    this.localTracks = [...tracks];
  }

  async replaceVideoTrack(track: MediaStreamTrack): Promise<void> {
    this.localTracks = [...this.localTracks.filter((t) => t.kind !== 'video'), track];
    await this.direct?.replaceVideoTrack(track);
  }

  async replaceAudioTrack(track: MediaStreamTrack): Promise<void> {
    this.localTracks = [...this.localTracks.filter((t) => t.kind !== 'audio'), track];
    await this.direct?.replaceAudioTrack(track);
  }

  private sourcesOf(participantId: string): TrackSources<MediaStreamTrack> {
    let sources = this.sources.get(participantId);
    if (!sources) {
      sources = new TrackSources();
      this.sources.set(participantId, sources);
    }
    return sources;
  }

  /** A track of `participantId` arrived on the SFU's or the direct PeerConnection. */
  trackAdded(
    source: MediaSource,
    participantId: string,
    track: MediaStreamTrack,
    receiver: RTCRtpReceiver,
  ): void {
    const sources = this.sourcesOf(participantId);
    sources.add(source, track);
    this.receivers.set(track, receiver);
    if (this.switching(participantId)) this.watch(source, participantId, track);
    this.refresh(participantId);
  }

  trackRemoved(source: MediaSource, participantId: string, track: MediaStreamTrack): void {
    this.sources.get(participantId)?.remove(source, track);
    this.receivers.delete(track);
    this.unwatch(track);
    this.refresh(participantId);
  }

  /** Whether a switch of paths may be pending for the participant, so its tracks' flow matters. */
  private switching(participantId: string): boolean {
    return this.direct?.peerId === participantId || (this.sources.get(participantId)?.has('direct') ?? false);
  }

  private watch(source: MediaSource, participantId: string, track: MediaStreamTrack): void {
    const receiver = this.receivers.get(track);
    if (!receiver) return;
    this.unwatch(track);
    const controller = new AbortController();
    this.watches.set(track, { controller, source, participantId });
    this.options.whenFlowing(receiver, controller.signal).then(
      () => {
        if (this.watches.get(track)?.controller !== controller) return;
        this.watches.delete(track);
        this.sources.get(participantId)?.flowing(track);
        this.refresh(participantId);
      },
      () => undefined, // aborted: the track went away, or is watched afresh
    );
  }

  private unwatch(track: MediaStreamTrack): void {
    this.watches.get(track)?.controller.abort();
    this.watches.delete(track);
  }

  /** Shows the tracks TrackSources picks for the participant; tells the server, or finishes the direct path. */
  private refresh(participantId: string): void {
    if (this.closing) return;
    const sources = this.sources.get(participantId);
    if (!sources) return;
    const shown = new Set(sources.shownTracks());
    const onScreen = this.onScreen(participantId);
    const hidden = [...onScreen].filter((track) => !shown.has(track));
    const added = [...shown].filter((track) => !onScreen.has(track));
    if (hidden.length > 0 || added.length > 0) {
      for (const track of hidden) onScreen.delete(track);
      for (const track of added) onScreen.add(track);
      this.options.swap(participantId, added, hidden);
    }
    const direct = this.direct;
    if (!direct || direct.peerId !== participantId) return;
    if (sources.preference === 'direct' && sources.shown === 'direct' && !this.directMediaSent) {
      this.directMediaSent = true;
      this.options.sendDirectMedia(participantId, true);
    }
    if (sources.preference === 'sfu' && sources.shown === 'sfu' && sources.isFlowing('sfu')) direct.finish();
  }

  private onScreen(participantId: string): Set<MediaStreamTrack> {
    let set = this.screen.get(participantId);
    if (!set) {
      set = new Set();
      this.screen.set(participantId, set);
    }
    return set;
  }

  /** The server's `mediaPath` (again after a resume: the same direct peer keeps its path). */
  onMediaPath(message: ServerMessageOf<'mediaPath'>): void {
    if (message.path === 'sfu') {
      this.directMediaSent = false; // the server forgets who received directly when the path changes
      for (const [id, sources] of this.sources) {
        if (sources.preference === 'sfu') continue;
        this.preferSfu(id, sources);
      }
      return;
    }
    const { peerId, polite } = message;
    if (this.direct?.peerId === peerId && this.sources.get(peerId)?.preference === 'direct') return;
    this.closeDirect();
    const sources = this.sourcesOf(peerId);
    sources.prefer('direct');
    const link = this.options.createDirect(peerId, polite, this.localTracks);
    this.direct = link;
    this.directMediaSent = false;
    link.on('track', (track, receiver) => {
      if (this.direct !== link) return;
      track.addEventListener('ended', () => this.trackRemoved('direct', peerId, track), { once: true });
      this.trackAdded('direct', peerId, track, receiver);
    });
    link.on('closed', () => this.directClosed(link));
  }

  /**
   * Back to the SFU for this participant: its SFU streams resume (paused until now), so their flow is watched
   * afresh, and the direct tracks stay on screen until it shows.
   */
  private preferSfu(participantId: string, sources: TrackSources<MediaStreamTrack>): void {
    sources.prefer('sfu');
    sources.unflow('sfu');
    for (const track of sources.tracksOf('sfu')) this.watch('sfu', participantId, track);
    this.refresh(participantId);
  }

  private directClosed(link: DirectLink): void {
    if (this.direct !== link) return;
    this.direct = undefined;
    this.dropDirectTracks(link.peerId);
  }

  /** The direct PeerConnection to `peerId` is gone: the SFU's tracks take over (the server resumes them). */
  private dropDirectTracks(peerId: string): void {
    if (this.directMediaSent) {
      this.directMediaSent = false;
      if (!this.closing) this.options.sendDirectMedia(peerId, false);
    }
    for (const [track, watch] of this.watches) {
      if (watch.source === 'direct' && watch.participantId === peerId) this.unwatch(track);
    }
    const sources = this.sources.get(peerId);
    if (!sources) return;
    for (const track of sources.tracksOf('direct')) this.receivers.delete(track);
    sources.clear('direct');
    if (sources.preference === 'direct') sources.prefer('sfu');
    this.refresh(peerId);
  }

  /** The server's `peerSignal`: for the direct path to that peer, if it is the current one. */
  onPeerSignal(message: ServerMessageOf<'peerSignal'>): void {
    if (this.direct?.peerId !== message.from) return;
    const signal: PeerSignal = {
      ...(message.description && { description: message.description }),
      ...(message.candidate !== undefined && { candidate: message.candidate }),
    };
    void this.direct.handleSignal(signal);
  }

  /** A participant left the room: forget its sources (the Roster empties its stream itself). */
  participantLeft(participantId: string): void {
    for (const [track, watch] of this.watches) if (watch.participantId === participantId) this.unwatch(track);
    for (const track of this.sources.get(participantId)?.all() ?? []) this.receivers.delete(track);
    this.sources.delete(participantId);
    this.screen.delete(participantId);
    if (this.direct?.peerId === participantId) {
      const link = this.direct;
      this.direct = undefined;
      this.directMediaSent = false;
      link.close();
    }
  }

  private closeDirect(): void {
    const link = this.direct;
    this.direct = undefined;
    link?.close();
    if (link) this.dropDirectTracks(link.peerId);
  }

  /**
   * Closes the direct path and stops every watch, showing and telling nothing more (the Roster drops every
   * track itself). Idempotent; the MediaPaths can be used again after (a fresh join).
   */
  close(): void {
    this.closing = true;
    try {
      this.closeDirect();
    } finally {
      this.closing = false;
    }
    for (const watch of this.watches.values()) watch.controller.abort();
    this.watches.clear();
    this.sources.clear();
    this.receivers.clear();
    this.screen.clear();
    this.directMediaSent = false;
  }
}
