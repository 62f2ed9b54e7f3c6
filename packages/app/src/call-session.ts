import { type BackdropError, type ConnectionState, type RemoteParticipant, Room } from '@backdrop/client';
import type { Reaction } from '@backdrop/protocol';
import { effect, type ReadonlySignal, signal } from '@preact/signals';
import { ChatStore } from './chat/chat-store.js';
import { type CallEnd, describeError, shutdownNotice } from './connection.js';
import {
  type ConnectionBarEvent,
  type ConnectionBarState,
  errorEndsCall,
  INITIAL_BAR,
  nextBar,
  RECONNECTED_NOTICE_MS,
  stateEndsCall,
} from './connection-view.js';
import { HostControls } from './host-controls.js';
import { wireHostEvents } from './host-wiring.js';
import { createLogger, type Logger } from './log.js';
import type { DeviceNotice, LocalMedia } from './media.js';
import { followMeeting } from './meeting/follow-meeting.js';
import { ReactionStore } from './meeting/reactions.js';
import { ParticipantStore, participantView, tileKey } from './participants.js';
import { ScreenShareController, type ShareView, sendLayers } from './screen-share.js';
import { VideoLayerRequests } from './video-layers.js';

/** The call's one-line message over the grid (empty: hidden). `notice` marks one scripts look for. */
export interface Banner {
  text: string;
  kind: 'error' | 'info';
  notice?: 'shutting-down' | DeviceNotice;
}

export interface CallSessionOptions {
  roomName: string;
  name: string;
  /**
   * The camera and microphone with the link's effect started, or their opening still under way (an autojoin
   * link joins while the camera opens; undefined: they could not be opened, and the page says why).
   */
  media: LocalMedia | Promise<LocalMedia | undefined>;
  /** The signalling WebSocket URL. */
  signalingUrl: string;
  /** `relay` sends all media through the server's TURN (the `?ice=relay` switch). */
  iceTransportPolicy?: RTCIceTransportPolicy;
  /** From a host link (`?host=`): join as a host. */
  hostKey?: string;
  /** The room's password, typed in the lobby after the server asked for it. */
  password?: string;
  /** Joined and published: the call is on. */
  onJoined(): void;
  /** The server holds us in the room's waiting room (the host feature calls this; the screen shows `waiting`). */
  onWaiting(): void;
  /** A host admitted us: the call screen again, same session. */
  onAdmitted(): void;
  /** The call is over (called once): left, could not join, or lost for good. */
  onEnd(how: CallEnd): void;
}

/** Our own tile's key (the server's id for us changes on a fresh re-join; the tile stays). */
export const LOCAL_TILE = tileKey('local', 'camera');

/**
 * One attempt at a call: owns the Room from join to leave, and shows what happens as signals the call screen
 * reads (tiles, connection state and bar, banner). No DOM: components render it. `close()` is idempotent and
 * releases everything (the Room, listeners, timers) on every path; the camera belongs to LocalMedia.
 */
export class CallSession {
  readonly participants = new ParticipantStore();
  private readonly roomStateSignal = signal<ConnectionState>('idle');
  private readonly barSignal = signal<ConnectionBarState>(INITIAL_BAR);
  private readonly bannerSignal = signal<Banner>({ text: '', kind: 'info' });
  private readonly leavingSignal = signal(false);
  private readonly handSignal = signal(false);
  private readonly room: Room;
  /** Roles, lock, waiting list and the host actions (issue 11 item 6). */
  readonly hosts: HostControls;
  /** The chat panel's messages and unread count. */
  readonly chat: ChatStore;
  private readonly reactions = new ReactionStore();
  private readonly log: Logger;
  private readonly stops: (() => void)[] = [];
  private noticeTimer: ReturnType<typeof setTimeout> | undefined;
  private publishedVideo: MediaStreamTrack | undefined;
  private published = false;
  private publishedAudio: MediaStreamTrack | undefined;
  /** The publish is done (with whatever tracks there were); later tracks are swapped in. */
  private publishDone = false;
  /** Anything was published (the publisher exists). */
  private publishedAny = false;
  private audioSwitching: Promise<void> = Promise.resolve();
  /** The local media once open (the session may start while it opens). */
  private media: LocalMedia | undefined;
  private readonly mediaOpened: Promise<LocalMedia | undefined>;
  private mutedBeforeMedia = false;
  private inCall = false;
  private ended = false;
  private lastError: BackdropError | undefined;
  /** Our screen share and the others' (issue 11 item 1). */
  readonly share: ScreenShareController;
  /** The simulcast layer of each received video, from its tile's size on screen (issue 11 item 7). */
  readonly layers: VideoLayerRequests;

  constructor(private readonly options: CallSessionOptions) {
    this.log = createLogger('call', { room: options.roomName });
    this.room = new Room({
      signalingUrl: options.signalingUrl,
      ...(options.iceTransportPolicy && { iceTransportPolicy: options.iceTransportPolicy }),
      log: createLogger('client.room', { room: options.roomName }),
    });
    this.hosts = new HostControls(this.room, options.name, (text) => this.showMessage(text, 'error'));
    this.stops.push(
      () => this.hosts.close(),
      wireHostEvents(this.room, {
        onWaiting: () => options.onWaiting(),
        onAdmitted: () => options.onAdmitted(),
        muteMicrophone: () => {
          // A host's mute that comes while our media still opens applies once it is open.
          if (this.media) this.media.setMicEnabled(false);
          else this.mutedBeforeMedia = true;
        },
        showMessage: (text) => this.showMessage(text),
      }),
    );
    this.chat = new ChatStore(() => this.room.localParticipantId);
    this.share = new ScreenShareController(this.room);
    this.layers = new VideoLayerRequests(sendLayers(this.room));
    this.stops.push(
      () => this.share.close(),
      () => this.layers.close(),
      this.room.on('reconnected', () => this.layers.resend()),
      effect(() => this.showShares(this.share.shares.value)),
    );
    this.participants.upsert(participantView({ id: 'local', name: options.name, local: true }));
    this.followRoom();
    // Before the join: what it brings (the chat history, everyone's state) must find its listeners, also
    // when an autojoin link joins while the camera still opens.
    this.followMeeting();
    this.applyBar({ type: 'room', state: this.room.state });
    if (options.media instanceof Promise) {
      this.mediaOpened = options.media.then((media) => {
        if (media && !this.ended) this.attachMedia(media);
        return media;
      });
    } else {
      this.attachMedia(options.media);
      this.mediaOpened = Promise.resolve(options.media);
    }
  }

  /** The local media is open: our tile, our published tracks and our mic and camera state follow it. */
  private attachMedia(media: LocalMedia): void {
    this.media = media;
    if (this.mutedBeforeMedia) media.setMicEnabled(false);
    this.showLocal(media);
    // Our mic and camera switches go to the others (signalled state, not guessed from silence).
    const meeting = this.room.meeting;
    this.stops.push(
      effect(() => meeting.setMedia({ micMuted: !media.micOn.value, cameraOff: !media.cameraOn.value })),
    );
  }

  /** Starts or stops our screen share; a cancelled picker is not an error. */
  async toggleShare(): Promise<void> {
    try {
      await this.share.toggle();
    } catch (error) {
      if ((error as Error).name === 'NotAllowedError') return;
      this.log.warn('screen share failed', { error });
      this.showMessage('Your screen could not be shared.', 'error');
    }
  }

  /** Each share the others started is a tile of its own (`data-source="screen"`). */
  private showShares(shares: readonly ShareView[]): void {
    const keys = new Set(shares.map((s) => tileKey(s.participantId, 'screen')));
    for (const tile of this.participants.tiles.peek())
      if (tile.view.peek().source === 'screen' && !keys.has(tile.key)) this.participants.remove(tile.key);
    for (const s of shares)
      this.participants.upsert(
        participantView({
          id: s.participantId,
          name: s.name,
          local: false,
          source: 'screen',
          stream: s.stream,
          tracks: s.tracks,
        }),
      );
  }

  /** The Room's connection state (the status pill). */
  get roomState(): ReadonlySignal<ConnectionState> {
    return this.roomStateSignal;
  }

  /** The connection bar's state ("Reconnecting…", then "Reconnected" for a moment). */
  get bar(): ReadonlySignal<ConnectionBarState> {
    return this.barSignal;
  }

  get banner(): ReadonlySignal<Banner> {
    return this.bannerSignal;
  }

  /** True once the user pressed Leave. */
  get leaving(): ReadonlySignal<boolean> {
    return this.leavingSignal;
  }

  /** Our participant id now (undefined before joining; a fresh rejoin changes it). */
  get selfId(): string | undefined {
    return this.room.localParticipantId;
  }

  /** Our hand, as we last set it. */
  get handRaised(): ReadonlySignal<boolean> {
    return this.handSignal;
  }

  /** Sends a chat message to everyone; rejects with the reason if it was not sent. */
  async sendChat(text: string): Promise<void> {
    await this.room.meeting.sendChat(text);
  }

  setHand(raised: boolean): void {
    this.handSignal.value = raised;
    this.room.meeting.setHand(raised);
  }

  react(emoji: Reaction): void {
    this.room.meeting.react(emoji);
  }

  /** Shows a message over the grid (an empty text hides it). */
  showMessage(text: string, kind: 'error' | 'info' = 'info', notice?: Banner['notice']): void {
    this.bannerSignal.value = { text, kind, ...(notice && { notice }) };
  }

  /**
   * Joins and publishes our tracks; reports the end through `onEnd` if that fails. The join (signalling, the
   * media server's handles, receiving the others) runs while the camera opens and the effect starts, and so
   * does the publish: with the media still opening, the publisher is negotiated with empty m-lines, and the
   * tracks go onto them when they come (a track swap), so the connection to the SFU and the others'
   * subscriptions are ready by then. What is published is what the lobby would have published: the effect's
   * track when an effect was asked for (privacy frames until its model runs), never the raw camera.
   */
  async start(): Promise<void> {
    const { roomName, name } = this.options;
    try {
      await this.room.join(roomName, name, {
        ...(this.options.hostKey !== undefined && { hostKey: this.options.hostKey }),
        ...(this.options.password !== undefined && { password: this.options.password }),
      });
      if (this.ended) return;
      this.log.info('joined', {
        participant: this.room.localParticipantId,
        others: this.room.participants.size,
      });
      // The media may be open already (the lobby's Join): its tracks are published as they are.
      const open = this.media;
      const media = open ?? (await this.publishWhileOpening());
      if (this.ended) return;
      if (!media) throw new Error('The camera and microphone could not be opened.');
      if (open) await this.publishOpen(open);
      // The tracks came after an empty publish, or changed while publishing: the microphone may have been
      // switched (or have followed a camera-first open), the choice may have changed. The two swaps run side by
      // side: the picture does not wait for the microphone's (each took 70-290 ms under a call's load here).
      await Promise.all([
        media.audio && media.audio !== this.publishedAudio
          ? this.switchPublishedAudio(media.audio)
          : undefined,
        this.syncPublishedVideo(),
      ]);
      if (this.ended) return;
      this.inCall = true;
      this.options.onJoined();
    } catch (error) {
      if (this.ended) return;
      this.log.error('could not join', { error });
      await this.room.leave();
      this.finish({ kind: 'join-failed', error });
    }
  }

  /** Publishes the open media's tracks (nothing at all when it has none). */
  private async publishOpen(media: LocalMedia): Promise<void> {
    this.publishedVideo = media.videoTrack;
    const tracks = [media.audio, this.publishedVideo].filter((t) => t !== undefined);
    if (tracks.length > 0) await this.room.publish(tracks);
    this.published = this.publishedVideo !== undefined;
    this.publishedAudio = tracks.find((t) => t.kind === 'audio');
    this.publishedAny = tracks.length > 0;
    this.publishDone = true;
  }

  /**
   * The media still opens: publishes with no tracks (the publisher's m-lines wait for them), and resolves with
   * the media once it is open (undefined if it could not be).
   */
  private async publishWhileOpening(): Promise<LocalMedia | undefined> {
    await this.room.publish([]);
    this.published = true;
    this.publishedAny = true;
    this.publishDone = true;
    return this.mediaOpened;
  }

  /** The user's Leave: tells the server, then ends. */
  async leave(): Promise<void> {
    if (this.ended || this.leavingSignal.value) return;
    this.leavingSignal.value = true;
    await this.room.leave();
    this.finish({ kind: 'left' });
  }

  /** Releases the Room (leaving it if still in), listeners and timers. Idempotent; `onEnd` is not called. */
  close(): void {
    if (!this.ended) {
      this.ended = true;
      void this.room.leave();
    }
    this.release();
  }

  private finish(how: CallEnd): void {
    if (this.ended) return;
    this.ended = true;
    this.release();
    this.options.onEnd(how);
  }

  private release(): void {
    for (const stop of this.stops.splice(0)) stop();
    clearTimeout(this.noticeTimer);
  }

  /** Our own tile follows the effect's track, the mic and the camera switches. */
  private showLocal(media: LocalMedia): void {
    let shown: MediaStreamTrack | undefined | null = null;
    this.stops.push(
      effect(() => {
        const track = media.video.value;
        const changes = { muted: !media.micOn.value, cameraOff: !media.cameraOn.value };
        if (track !== shown) {
          shown = track;
          const tracks = track ? [track] : [];
          this.participants.patch(LOCAL_TILE, { ...changes, stream: new MediaStream(tracks), tracks });
        } else this.participants.patch(LOCAL_TILE, changes);
      }),
      media.onVideoTrackChange(() => void this.syncPublishedVideo()),
      media.onAudioTrackChange((track) => void this.switchPublishedAudio(track)),
    );
  }

  /**
   * Another microphone (a choice or a fallback) replaces the published one, or the first one (it follows a
   * camera-first open) joins what is published. Nothing to do before publishing: the publish takes the current
   * microphone. One at a time, so the publish's own check and the track's event cannot both publish it.
   */
  private switchPublishedAudio(track: MediaStreamTrack): Promise<void> {
    const run = this.audioSwitching.then(() => this.applyPublishedAudio(track));
    this.audioSwitching = run;
    return run;
  }

  private async applyPublishedAudio(track: MediaStreamTrack): Promise<void> {
    if (!this.publishDone || track === this.publishedAudio || this.ended) return;
    try {
      // The publisher always has a microphone m-line: a first microphone is a track swap too.
      if (this.publishedAny) await this.room.replaceAudioTrack(track);
      else await this.room.publish([track]);
      this.publishedAny = true;
      this.publishedAudio = track;
    } catch (error) {
      this.log.warn('could not switch the published microphone', { error });
      this.showMessage('The new microphone could not be sent; others may not hear you.', 'error');
    }
  }

  /** The published video follows the effect choice (raw camera for none, the effect's track otherwise). */
  private async syncPublishedVideo(): Promise<void> {
    const track = this.media?.videoTrack;
    // While reconnecting the Room remembers the track and publishes it again after a fresh join.
    if (!this.published || track === this.publishedVideo || !track) return;
    try {
      await this.room.replaceVideoTrack(track);
      this.publishedVideo = track;
    } catch (error) {
      this.log.warn('could not switch the published video', { error });
      this.showMessage(
        'Your new background could not be sent; others may still see the previous one.',
        'error',
      );
    }
  }

  private showRemote(p: RemoteParticipant): void {
    const key = tileKey(p.id, 'camera');
    const tracks = p.stream.getTracks();
    if (this.participants.get(key)) {
      this.participants.patch(key, { stream: p.stream, tracks });
      return;
    }
    this.log.info('participant joined', { participant: p.id, name: p.name });
    this.participants.upsert(
      participantView({
        id: p.id,
        name: p.name,
        local: false,
        stream: p.stream,
        tracks,
        connection: p.connection,
      }),
    );
  }

  /** Everyone's state, hands, speaking, reactions and the chat come onto the tiles and the chat panel. */
  private followMeeting(): void {
    const meeting = this.room.meeting;
    this.stops.push(
      followMeeting({
        meeting,
        tiles: this.participants,
        chat: this.chat,
        reactions: this.reactions,
        selfId: () => this.room.localParticipantId,
        localTileId: 'local',
      }),
    );
  }

  private applyBar(event: ConnectionBarEvent): void {
    const before = this.barSignal.peek();
    const state = nextBar(before, event);
    this.barSignal.value = state;
    if (state.notice && !before.notice) {
      clearTimeout(this.noticeTimer);
      this.noticeTimer = setTimeout(() => {
        if (!this.ended) this.applyBar({ type: 'noticeExpired' });
      }, RECONNECTED_NOTICE_MS);
    } else if (!state.notice) clearTimeout(this.noticeTimer);
  }

  private followRoom(): void {
    const room = this.room;
    const onPageHide = () => void room.leave();
    addEventListener('pagehide', onPageHide);
    this.stops.push(
      () => removeEventListener('pagehide', onPageHide),
      room.on('participantJoined', (p) => this.showRemote(p)),
      room.on('participantLeft', (p) => {
        this.log.info('participant left', { participant: p.id });
        this.participants.removeParticipant(p.id);
      }),
      room.on('trackSubscribed', (_track, p) => this.showRemote(p)),
      room.on('trackUnsubscribed', (_track, p) =>
        this.participants.patch(tileKey(p.id, 'camera'), { stream: p.stream, tracks: p.stream.getTracks() }),
      ),
      room.on('participantConnection', (p, state) => {
        this.log.info('participant connection', { participant: p.id, state });
        this.participants.patchParticipant(p.id, { connection: state });
      }),
      room.on('error', (error) => {
        this.lastError = error;
        this.log.warn('room error', { code: error.code, message: error.message, cause: error.cause });
        // The SDK reports connection_lost only once it has stopped trying to reconnect.
        if (errorEndsCall(error) && !this.leavingSignal.peek() && this.inCall) {
          this.finish({ kind: 'lost', error });
          return;
        }
        this.showMessage(describeError(error), error.code === 'media_failed' ? 'info' : 'error');
      }),
      room.on('shuttingDown', ({ drainMs }) => {
        this.log.info('server shutting down', { drainMs });
        this.bannerSignal.value = { text: shutdownNotice(drainMs), kind: 'info', notice: 'shutting-down' };
      }),
      room.on('connectionStateChanged', (state) => {
        this.log.info('connection state', { state });
        this.roomStateSignal.value = state;
        this.applyBar({ type: 'room', state });
        if (stateEndsCall(state, { leaving: this.leavingSignal.peek(), inCall: this.inCall })) {
          // The SDK reports why (e.g. the media server restarted) right after the state change.
          queueMicrotask(() => this.finish({ kind: 'lost', error: this.lastError }));
        }
      }),
      room.on('reconnected', ({ resumed }) => {
        this.log.info('reconnected', { resumed, participant: room.localParticipantId });
        // A switch of the published video that failed while reconnecting is tried again now.
        void this.syncPublishedVideo();
      }),
    );
    this.roomStateSignal.value = room.state;
  }
}
