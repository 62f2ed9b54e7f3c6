import { type ListenerErrorLog, TypedEmitter } from '@backdrop/events';
import {
  CLOSE_CODES,
  type ErrorCode,
  MAX_VIDEO_LAYER_ENTRIES,
  type MediaSource,
  type Role,
  type ServerMessage,
  type ServerMessageOf,
  type VideoLayer,
} from '@backdrop/protocol';
import { type AccessSnapshot, AccessState } from './access.js';
import {
  browserNetworkMonitor,
  browserPeerConnectionFactory,
  browserSocketFactory,
  systemClock,
} from './browser-transport.js';
import { DirectPath, type PeerSignal } from './direct-path.js';
import { BackdropError } from './errors.js';
import { whenFlowing } from './flow-watch.js';
import { Heartbeat } from './heartbeat.js';
import { Media } from './media.js';
import { MediaPaths } from './media-paths.js';
import { Meeting } from './meeting.js';
import type { ParticipantConnection, RemoteParticipant } from './participant.js';
import { Reconnector } from './reconnector.js';
import {
  DEFAULT_RECOVERY,
  describeLoss,
  type RecoverySettings,
  type SocketLoss,
  shouldReconnect,
} from './recovery.js';
import { followRedirects } from './redirects.js';
import { Roster } from './roster.js';
import { LocalScreenShare } from './screen-share.js';
import { SignalingChannel } from './signaling.js';
import type {
  Clock,
  NetworkChange,
  NetworkMonitor,
  PeerConnectionFactory,
  SocketFactory,
} from './transport.js';

/** Answers to `resume` that mean "join afresh" (any other error is retried: the server may be busy). */
const RESUME_REFUSALS: ReadonlySet<ErrorCode> = new Set(['resume_failed', 'invalid_state', 'bad_message']);

/**
 * `reconnecting`: the signalling socket was lost and the SDK is getting it back; participants, tiles, both
 * PeerConnections and the local tracks are kept meanwhile.
 */
export type ConnectionState =
  | 'idle'
  | 'connecting'
  | 'connected'
  | 'reconnecting'
  | 'disconnected'
  | 'failed';

export interface RoomEvents {
  participantJoined: (participant: RemoteParticipant) => void;
  participantLeft: (participant: RemoteParticipant) => void;
  trackSubscribed: (track: MediaStreamTrack, participant: RemoteParticipant) => void;
  trackUnsubscribed: (track: MediaStreamTrack, participant: RemoteParticipant) => void;
  connectionStateChanged: (state: ConnectionState) => void;
  /**
   * Back to `connected` after `reconnecting`. `resumed`: the same participant (same id, media kept, ICE
   * restarted); otherwise a fresh join (new participant id, our tracks published again; the others saw a
   * leave and a join).
   */
  reconnected: (info: { resumed: boolean }) => void;
  /** Another participant's role changed (the last host left and the longest-present became host). */
  participantRole: (participant: RemoteParticipant, role: Role) => void;
  /** Our role, the lock, the password, the host key or the waiting list changed (see `access`). */
  accessChanged: (access: AccessSnapshot) => void;
  /** The room is locked: `join` waits until a host admits us (it then resolves) or denies us (it rejects). */
  waiting: (info: { timeoutMs: number }) => void;
  /** A host asks everyone to mute. The SDK changes nothing: the app mutes and says who asked. */
  muteRequested: (request: { from: string; fromName: string }) => void;
  /**
   * A host removed us from the room. The call ends (`connection_lost` with closeCode CLOSE_CODES.removed
   * follows) and the SDK does not reconnect.
   */
  removed: (info: { by: string }) => void;
  /** Another participant's connection to the server was lost (`reconnecting`) or came back (`connected`). */
  participantConnection: (participant: RemoteParticipant, state: ParticipantConnection) => void;
  /** Someone else started or stopped sharing a screen, or its share's tracks arrived or went (`screenStream`). */
  screenShareChanged: (participant: RemoteParticipant) => void;
  /** Our own share started (its video track, for a preview) or stopped (undefined): by us or the browser's bar. */
  localScreenShareChanged: (video: MediaStreamTrack | undefined) => void;
  /**
   * The server is going down (a restart or deploy) and will close this connection in about `drainMs`; the call
   * goes on until then, and the SDK reconnects by itself afterwards.
   */
  shuttingDown: (info: { drainMs: number }) => void;
  /**
   * Something failed or the server refused something; `serverCode` / `closeCode` on the error say what. A
   * `connection_lost` means the call is over: reconnection gave up, or the server cut us off for good.
   */
  error: (error: BackdropError) => void;
}

/** What a join sends: the room's password if it has one, and the host key from a host link. */
export interface JoinOptions {
  password?: string;
  hostKey?: string;
}

type JoinAs = { room: string; name: string } & JoinOptions;

export interface RoomOptions {
  /** The server's signalling WebSocket, e.g. `wss://meet.example.com/ws`. */
  signalingUrl: string;
  /**
   * ICE servers for both PeerConnections, before the ones the server sends with `joined` (its TURN, with
   * credentials made for this join).
   */
  iceServers?: RTCIceServer[];
  /** `relay` forces media through TURN (for networks that need it, and for tests); `all` by default. */
  iceTransportPolicy?: RTCIceTransportPolicy;
  /**
   * Where a throwing event listener of this Room is reported (the app's named logger); the console if unset.
   * A listener's error is never re-emitted as an `error` event.
   */
  log?: ListenerErrorLog;
  /** Overrides of the heartbeat, reconnect and ICE restart figures (see DEFAULT_RECOVERY). */
  recovery?: Partial<RecoverySettings>;
  /** The seams to the browser (tests pass fakes): the browser's WebSocket, RTCPeerConnection, network events, time. */
  createSocket?: SocketFactory;
  createPeerConnection?: PeerConnectionFactory;
  /**
   * The browser-to-browser PeerConnection of a two-person room (the server's `mediaPath direct`); the
   * browser's RTCPeerConnection by default.
   */
  createDirectPeerConnection?: (configuration: RTCConfiguration) => RTCPeerConnection;
  network?: NetworkMonitor;
  /** Publish the camera to the SFU as three simulcast layers (default true); false: one layer. */
  simulcast?: boolean;
  clock?: Clock;
  /** In [0, 1), for back-off jitter. */
  random?: () => number;
}

/**
 * A meeting as seen from this browser: one signalling connection, one publisher PeerConnection (our audio and
 * video to the SFU) and one multistream subscriber PeerConnection (everyone else's media from the SFU). It
 * keeps itself connected: a heartbeat on the socket, reconnect + resume when the socket is lost, ICE restarts
 * when a media path is lost.
 */
export class Room extends TypedEmitter<RoomEvents> {
  private _state: ConnectionState = 'idle';
  private signaling: SignalingChannel | undefined;
  /** The signalling URL that worked last: the configured one, or with `?node=` after a cluster redirect. */
  private signalingUrl: string | undefined;
  private heartbeat: Heartbeat | undefined;
  private readonly media: Media;
  /** The options' ICE servers and the server's (TURN with this join's credentials). */
  private iceServers: RTCIceServer[] = [];
  private readonly roster: Roster;
  /** Chat, everyone's mic/camera/hand/speaking, reactions (see meeting.ts). */
  readonly meeting: Meeting;
  private readonly screenShare: LocalScreenShare;
  /** Which path (SFU or direct) each participant's media is shown from, and the direct PeerConnection. */
  private readonly paths: MediaPaths;
  private _localParticipantId: string | undefined;
  /** Set while leave() runs, so the socket closing under it is not reported as a lost connection. */
  private leaving = false;
  /** What we joined as, to join again when a resume is refused. */
  private joinedAs: JoinAs | undefined;
  /** Roles, lock, password, host key, waiting list, as the server last said. */
  private readonly accessState: AccessState;
  private resumeToken: { token: string; windowMs: number } | undefined;
  private lost: { loss: SocketLoss; at: number } | undefined;
  private wentOffline = false;
  private stopWatchingNetwork: (() => void) | undefined;
  private readonly settings: RecoverySettings;
  private readonly clock: Clock;
  private readonly random: () => number;
  private readonly reconnector: Reconnector;
  /**
   * Messages that came on a socket after its `joined` but before the Room made it current (a socket may
   * deliver several frames in one go); handled once the Room is in its new state.
   */
  private readonly earlyMessages = new WeakMap<SignalingChannel, ServerMessage[]>();

  constructor(private readonly options: RoomOptions) {
    super({ name: 'client.room', ...(options.log && { log: options.log }) });
    this.settings = { ...DEFAULT_RECOVERY, ...options.recovery };
    this.clock = options.clock ?? systemClock;
    this.random = options.random ?? Math.random;
    this.paths = new MediaPaths({
      createDirect: (peerId, polite, tracks) => this.createDirect(peerId, polite, tracks),
      whenFlowing,
      swap: (id, shown, hidden) => this.roster.swapTracks(id, shown, hidden),
      sendDirectMedia: (peerId, receiving) => this.trySend({ type: 'directMedia', peerId, receiving }),
    });
    this.meeting = new Meeting({
      send: (message) => this.trySend(message),
      requestChat: (message) => this.requireConnected().request(message, 'chat'),
      ...(options.log && { log: options.log }),
    });
    this.roster = new Roster(
      {
        participantJoined: (p) => this.emit('participantJoined', p),
        participantLeft: (p) => {
          this.meeting.forget(p.id);
          this.emit('participantLeft', p);
        },
        trackSubscribed: (t, p) => this.emit('trackSubscribed', t, p),
        trackUnsubscribed: (t, p) => this.emit('trackUnsubscribed', t, p),
        participantConnection: (p, s) => this.emit('participantConnection', p, s),
        participantRole: (p, r) => this.emit('participantRole', p, r),
        screenShareChanged: (p) => this.emit('screenShareChanged', p),
      },
      this.paths,
    );
    this.accessState = new AccessState({
      changed: (access) => this.emit('accessChanged', access),
      participantRole: (id, role) => this.roster.setRole(id, role),
      muteRequested: (request) => this.emit('muteRequested', request),
      removed: (info) => this.emit('removed', info),
    });
    this.media = new Media({
      createPeerConnection: options.createPeerConnection ?? browserPeerConnectionFactory,
      clock: this.clock,
      random: this.random,
      settings: this.settings,
      log: options.log,
      configuration: () => this.rtcConfiguration(),
      signaling: () => (this._state === 'connected' ? this.signaling : undefined),
      roster: this.roster,
      onError: (error) => this.emit('error', error),
      simulcast: options.simulcast,
    });
    this.screenShare = new LocalScreenShare({
      setTracks: (share) => this.media.setScreenShare(share),
      announce: (active) => {
        if (this._state !== 'connected' || !this.media.publishing) return false;
        this.trySend({ type: 'screenShare', active });
        return true;
      },
      changed: (video) => this.emit('localScreenShareChanged', video),
    });
    this.reconnector = new Reconnector({
      clock: this.clock,
      random: this.random,
      settings: this.settings,
      attempt: (signal) => this.reconnectOnce(signal),
      onAttemptFailed: (error, attempt) =>
        this.options.log?.error('reconnect attempt failed', { attempt, error: String(error) }),
      onGiveUp: () => this.end(this.lost?.loss ?? { kind: 'silent' }),
    });
  }

  get state(): ConnectionState {
    return this._state;
  }

  get localParticipantId(): string | undefined {
    return this._localParticipantId;
  }

  get participants(): ReadonlyMap<string, RemoteParticipant> {
    return this.roster.participants;
  }

  /** Our role and the room's access, as the server last said. */
  get access(): AccessSnapshot {
    return this.accessState.snapshot;
  }

  private setState(state: ConnectionState): void {
    if (this._state === state) return;
    this._state = state;
    this.emit('connectionStateChanged', state);
  }

  /**
   * Joins a room. In a locked room it first waits (a `waiting` event) until a host admits us; a refusal
   * (`denied`, `wait_timeout`, `password_required`, `wrong_password`, ...) rejects with the server's code.
   */
  async join(roomName: string, displayName: string, options: JoinOptions = {}): Promise<void> {
    if (this._state !== 'idle' && this._state !== 'disconnected') {
      throw BackdropError.invalidState(`cannot join while ${this._state}`);
    }
    this.setState('connecting');
    try {
      const as: JoinAs = { room: roomName, name: displayName, ...options };
      // Cluster mode: a node that does not host the room redirects us to the one that does.
      const {
        channel,
        result: joined,
        url,
      } = await followRedirects({
        url: this.options.signalingUrl,
        open: (to) => this.openChannel(undefined, to),
        exchange: (opened) => opened.request({ type: 'join', ...as }, 'joined'),
      });
      this.signalingUrl = url;
      this.joinedAs = as;
      this.adopt(channel, joined);
      this.setState('connected');
      for (const info of joined.participants) if (info.id !== joined.participantId) this.roster.add(info);
      this.meeting.joined(false);
      this.stopWatchingNetwork = (this.options.network ?? browserNetworkMonitor).subscribe((change) =>
        this.onNetworkChange(change),
      );
      this.handleEarlyMessages(channel);
    } catch (error) {
      this.teardown();
      this.setState('failed');
      throw error instanceof BackdropError
        ? error
        : new BackdropError('connection_failed', 'could not join', { cause: error });
    }
  }

  /**
   * Sends our tracks (normally one audio and one video) to the SFU. While the socket is being got back
   * (`reconnecting`, e.g. a heartbeat missed under load right after the join), it waits for the outcome: published
   * once connected again, refused if the connection ended.
   */
  async publish(tracks: MediaStreamTrack[]): Promise<void> {
    if (this._state === 'reconnecting') await this.reconnectSettled();
    this.requireConnected();
    if (this.media.publishing) throw BackdropError.invalidState('already publishing');
    this.paths.setLocalTracks(tracks);
    await this.media.publish(tracks);
  }

  /**
   * Swaps the published camera track (e.g. for a processed one) without renegotiating. Also while
   * reconnecting: a fresh join publishes the track given last.
   */
  async replaceVideoTrack(track: MediaStreamTrack): Promise<void> {
    await Promise.all([this.media.replaceVideoTrack(track), this.paths.replaceVideoTrack(track)]);
  }

  /** Swaps the published microphone track (another device); like replaceVideoTrack, also while reconnecting. */
  async replaceAudioTrack(track: MediaStreamTrack): Promise<void> {
    await Promise.all([this.media.replaceAudioTrack(track), this.paths.replaceAudioTrack(track)]);
  }

  // --- host actions (the server refuses them with `forbidden` unless we are host) ---------------------------

  /** Locks the room (newcomers wait for a host) or unlocks it. */
  async setLocked(locked: boolean): Promise<void> {
    const reply = await this.requireConnected().request({ type: 'setRoomLock', locked }, 'roomAccess');
    this.accessState.onMessage(reply);
  }

  /** Sets (or with null clears) the room's password for later joins. */
  async setPassword(password: string | null): Promise<void> {
    const reply = await this.requireConnected().request({ type: 'setRoomPassword', password }, 'roomAccess');
    this.accessState.onMessage(reply);
  }

  /** Lets a waiting newcomer in, or turns it away. */
  async answerKnock(waitingId: string, admit: boolean): Promise<void> {
    await this.requireConnected().request({ type: 'answerKnock', waitingId, admit }, 'done');
  }

  /** Removes a participant from the room. */
  async removeParticipant(participantId: string): Promise<void> {
    await this.requireConnected().request({ type: 'removeParticipant', participantId }, 'done');
  }

  /** Asks everyone else to mute their microphone. */
  async muteAll(): Promise<void> {
    await this.requireConnected().request({ type: 'muteAll' }, 'done');
  }

  /**
   * Shares a screen, window or tab: `stream` from `navigator.mediaDevices.getDisplayMedia` (its audio too,
   * if the browser gave tab or system audio). Sent to the SFU on the publisher's screen m-lines (no
   * renegotiation); the others get `screenShareChanged`. The Room owns the tracks from now on: it stops them
   * when the share stops, including from the browser's own "Stop sharing" bar. Publish first.
   */
  async startScreenShare(stream: MediaStream): Promise<void> {
    this.requireConnected();
    if (!this.media.publishing) throw BackdropError.invalidState('publish before sharing a screen');
    await this.screenShare.start(stream);
  }

  /** Stops our screen share (its tracks are stopped); nothing if none. */
  async stopScreenShare(): Promise<void> {
    await this.screenShare.stop();
  }

  /** Our screen share's video track while we share. */
  get localScreenShare(): MediaStreamTrack | undefined {
    return this.screenShare.video;
  }

  /**
   * Which simulcast layer we want of each video we receive (by participant and source; `off` for one not on
   * screen): the SFU forwards that layer only. Send changes only (see VideoLayerRequests); dropped while the
   * socket is down (send them again on `reconnected`).
   */
  setVideoLayers(streams: { participantId: string; source: MediaSource; layer: VideoLayer }[]): void {
    if (streams.length === 0) return;
    for (let i = 0; i < streams.length; i += MAX_VIDEO_LAYER_ENTRIES)
      this.trySend({ type: 'videoLayers', streams: streams.slice(i, i + MAX_VIDEO_LAYER_ENTRIES) });
  }

  async leave(): Promise<void> {
    this.leaving = true;
    this.reconnector.stop();
    const signaling = this.signaling;
    if (signaling && this._state === 'connected') {
      await signaling.request({ type: 'leave' }, 'left').catch(() => undefined);
    }
    this.teardown();
    this.leaving = false;
    this.setState('disconnected');
  }

  /** Resolves once the state leaves `reconnecting` (connected again, or ended). */
  private reconnectSettled(): Promise<void> {
    return new Promise((resolve) => {
      const off = this.on('connectionStateChanged', (state) => {
        if (state === 'reconnecting') return;
        off();
        resolve();
      });
    });
  }

  private requireConnected(): SignalingChannel {
    if (this._state !== 'connected' || !this.signaling) throw BackdropError.invalidState('join a room first');
    return this.signaling;
  }

  // --- the signalling socket -------------------------------------------------------------------------------

  /** Opens a socket whose messages count only while it is the Room's current one. */
  private async openChannel(signal: AbortSignal | undefined, url: string): Promise<SignalingChannel> {
    const channel = await SignalingChannel.open(url, {
      createSocket: this.options.createSocket ?? browserSocketFactory,
      clock: this.clock,
      log: this.options.log,
      signal,
    });
    const early: ServerMessage[] = [];
    this.earlyMessages.set(channel, early);
    channel.on('message', (message) => {
      // The join is held in a locked room's waiting room: told at once, not after the join.
      if (message.type === 'waiting') this.emit('waiting', { timeoutMs: message.timeoutMs });
      else if (this.signaling === channel) this.onServerMessage(message);
      else if (this.earlyMessages.has(channel)) early.push(message);
    });
    channel.on('activity', () => {
      if (this.signaling === channel) this.heartbeat?.heard();
    });
    channel.on('closed', (code, reason) => {
      if (this.signaling === channel) this.loseSocket({ kind: 'closed', code, reason });
    });
    return channel;
  }

  /** Makes `channel` the current socket after `joined`: its token, ICE servers and a heartbeat. */
  private adopt(channel: SignalingChannel, joined: ServerMessageOf<'joined'>): void {
    this.signaling = channel;
    this.lost = undefined;
    this._localParticipantId = joined.participantId;
    this.resumeToken = { token: joined.resumeToken, windowMs: joined.resumeWindowMs };
    this.accessState.onJoined(joined.participantId, joined.access);
    this.iceServers = [...(this.options.iceServers ?? []), ...joined.iceServers];
    this.heartbeat?.stop();
    this.heartbeat = new Heartbeat({
      clock: this.clock,
      intervalMs: this.settings.pingIntervalMs,
      silenceTimeoutMs: this.settings.silenceTimeoutMs,
      ping: () => this.trySend({ type: 'ping' }),
      onSilent: () => {
        if (this.signaling === channel) this.loseSocket({ kind: 'silent' });
      },
    });
  }

  /** Handles what came before `channel` was adopted; from now on its messages are handled as they come. */
  private handleEarlyMessages(channel: SignalingChannel): void {
    const early = this.earlyMessages.get(channel) ?? [];
    this.earlyMessages.delete(channel);
    for (const message of early.splice(0)) if (this.signaling === channel) this.onServerMessage(message);
  }

  /** A message that may be dropped (the socket is going: the loss is handled on its own). */
  private trySend(message: Parameters<SignalingChannel['send']>[0]): void {
    if (this._state !== 'connected' || !this.signaling) return;
    try {
      this.signaling.send(message);
    } catch {
      // The socket closed under us: loseSocket runs from its `closed`.
    }
  }

  private onServerMessage(message: ServerMessage): void {
    if (this.accessState.onMessage(message)) return;
    switch (message.type) {
      case 'participantJoined':
        this.roster.add(message.participant);
        break;
      case 'participantLeft':
        this.roster.remove(message.participantId);
        break;
      case 'participantConnection':
        this.roster.setConnection(message.participantId, message.state);
        break;
      case 'screenShare':
        this.roster.setSharing(message.participantId, message.active);
        break;
      case 'subscriberOffer':
        this.media.onSubscriberOffer(message);
        break;
      case 'trickle':
        this.media.addRemoteCandidate(message.target, message.candidate);
        break;
      case 'mediaPath':
        this.paths.onMediaPath(message);
        break;
      case 'peerSignal':
        this.paths.onPeerSignal(message);
        break;
      case 'sfuUpload':
        this.media
          .setUploadActive(message.active)
          .catch((error: unknown) =>
            this.options.log?.error('could not pause or resume sending to the SFU', { error: String(error) }),
          );
        break;
      case 'shuttingDown':
        this.emit('shuttingDown', { drainMs: message.drainMs });
        break;
      case 'error':
        // A direct-path message that crossed the room's switch to the SFU: expected, nothing to tell.
        if (message.code === 'not_direct') break;
        this.emit('error', BackdropError.fromServer(message));
        break;
      default:
        this.meeting.handle(message);
        break;
    }
  }

  // --- losing the socket and getting it back --------------------------------------------------------------

  private loseSocket(loss: SocketLoss): void {
    if (this.leaving || this._state !== 'connected') return;
    const channel = this.signaling;
    this.signaling = undefined;
    this.heartbeat?.stop();
    this.heartbeat = undefined;
    channel?.close();
    if (!shouldReconnect(loss)) {
      this.end(loss);
      return;
    }
    const at = this.clock.now();
    this.lost = { loss, at };
    this.setState('reconnecting');
    const window = this.resumeToken?.windowMs ?? 0;
    this.reconnector.start(at + Math.max(window, this.settings.giveUpAfterMs));
  }

  /** One reconnect attempt: a new socket, then `resume` (if the window is open) or a fresh `join`. */
  private async reconnectOnce(signal: AbortSignal): Promise<void> {
    // Back to the node we were on (the load balancer sends us elsewhere if it is gone); redirects followed.
    const {
      channel,
      result: joined,
      url,
    } = await followRedirects({
      url: this.signalingUrl ?? this.options.signalingUrl,
      open: (to) => this.openChannel(signal, to),
      exchange: (opened) => this.resumeOrJoin(opened),
    });
    try {
      this.signalingUrl = url;
      if (signal.aborted || this._state !== 'reconnecting') throw new Error('reconnect attempt abandoned');
      if (joined.resumed) this.onResumed(channel, joined);
      else this.onRejoined(channel, joined);
    } catch (error) {
      if (this.signaling !== channel) channel.close();
      throw error;
    }
  }

  private async resumeOrJoin(channel: SignalingChannel): Promise<ServerMessageOf<'joined'>> {
    const resume = this.resumeToken;
    const lostAt = this.lost?.at ?? this.clock.now();
    if (resume && this.clock.now() < lostAt + resume.windowMs) {
      try {
        return await channel.request({ type: 'resume', token: resume.token }, 'joined');
      } catch (error) {
        if (!(error instanceof BackdropError && error.serverCode && RESUME_REFUSALS.has(error.serverCode))) {
          throw error;
        }
        // The server no longer holds us (window over, server or Janus restarted), or cannot resume at all
        // (a server without resume answers invalid_state or bad_message): join afresh.
        this.resumeToken = undefined;
      }
    }
    if (!this.joinedAs) throw BackdropError.invalidState('never joined');
    return channel.request({ type: 'join', ...this.joinedAs }, 'joined');
  }

  /** The same participant again: media kept, fresh ICE servers, ICE restarted on both PeerConnections. */
  private onResumed(channel: SignalingChannel, joined: ServerMessageOf<'joined'>): void {
    this.adopt(channel, joined);
    this.roster.sync(joined.participants, [joined.participantId]);
    this.roster.clearSharing(); // the server's screenShare notices follow its joined
    this.media.reconfigure();
    this.setState('connected');
    this.media.restartIce();
    this.meeting.joined(true);
    this.emit('reconnected', { resumed: true });
    this.handleEarlyMessages(channel);
  }

  /** A new participant: new PeerConnections, the same local tracks published again. */
  private onRejoined(channel: SignalingChannel, joined: ServerMessageOf<'joined'>): void {
    const formerId = this._localParticipantId;
    this.media.close();
    this.paths.close();
    this.adopt(channel, joined);
    this.roster.sync(joined.participants, [joined.participantId, formerId]);
    this.roster.clearSharing();
    this.setState('connected');
    this.meeting.joined(false);
    const tracks = this.media.tracks;
    if (tracks) {
      this.media
        .publish(tracks)
        // The share is on the new publisher's screen m-lines already: tell the new room about it.
        .then(() => this.screenShare.reannounce())
        .catch((error: unknown) =>
          this.emit(
            'error',
            new BackdropError('media_failed', 'could not send your media again', { cause: error }),
          ),
        );
    }
    this.emit('reconnected', { resumed: false });
    this.handleEarlyMessages(channel);
  }

  private onNetworkChange(change: NetworkChange): void {
    if (change === 'offline') {
      this.wentOffline = true;
      return;
    }
    if (change === 'online' && this.wentOffline) {
      this.wentOffline = false;
      if (this._state === 'connected') {
        this.loseSocket({ kind: 'networkChanged' });
        return;
      }
      if (this._state === 'reconnecting') this.reconnector.retryNow();
      return;
    }
    if (this._state === 'connected') this.media.restartIce();
  }

  /** The call is over: everything closed, `connection_lost`. */
  private end(loss: SocketLoss): void {
    this.teardown();
    this.setState('disconnected');
    const restarted = loss.kind === 'closed' && loss.code === CLOSE_CODES.serviceRestart;
    this.emit(
      'error',
      new BackdropError(
        'connection_lost',
        restarted ? 'the media server restarted; please rejoin' : describeLoss(loss),
        loss.kind === 'closed' ? { closeCode: loss.code } : {},
      ),
    );
  }

  /** The direct PeerConnection to `peerId` (same ICE servers and policy as ours to the SFU), signalled through the server. */
  private createDirect(peerId: string, polite: boolean, tracks: readonly MediaStreamTrack[]): DirectPath {
    const create =
      this.options.createDirectPeerConnection ??
      ((configuration: RTCConfiguration) => new RTCPeerConnection(configuration));
    return new DirectPath({
      peerId,
      polite,
      pc: create(this.rtcConfiguration()),
      tracks,
      send: (signal: PeerSignal) => this.trySend({ type: 'peerSignal', to: peerId, ...signal }),
      ...(this.options.log && { log: this.options.log }),
      onError: (what, error) => this.options.log?.error(what, { peerId, error: String(error) }),
    });
  }

  private rtcConfiguration(): RTCConfiguration {
    return {
      iceServers: this.iceServers,
      iceTransportPolicy: this.options.iceTransportPolicy ?? 'all',
      bundlePolicy: 'max-bundle',
    };
  }

  /** Closes everything (socket, PeerConnections, recovery) and forgets every participant. Idempotent. */
  private teardown(): void {
    this.reconnector.stop();
    this.heartbeat?.stop();
    this.heartbeat = undefined;
    this.stopWatchingNetwork?.();
    this.stopWatchingNetwork = undefined;
    this.screenShare.dispose();
    this.media.dispose();
    this.paths.close();
    this.roster.clear();
    this.meeting.clear();
    const signaling = this.signaling;
    this.signaling = undefined;
    signaling?.close();
    this._localParticipantId = undefined;
    this.accessState.reset();
    this.joinedAs = undefined;
    this.resumeToken = undefined;
    this.lost = undefined;
    this.wentOffline = false;
  }
}
