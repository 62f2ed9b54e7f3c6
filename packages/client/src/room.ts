import { type ListenerErrorLog, TypedEmitter } from '@backdrop/events';
import {
  CLOSE_CODES,
  type IceCandidate,
  type IceTarget,
  type ParticipantInfo,
  type ServerMessage,
  type ServerMessageOf,
} from '@backdrop/protocol';
import { BackdropError } from './errors.js';
import { TrickleIce } from './ice.js';
import { RemoteParticipant } from './participant.js';
import { SignalingChannel } from './signaling.js';
import { planTrackMoves } from './stream-map.js';

export type ConnectionState = 'idle' | 'connecting' | 'connected' | 'disconnected' | 'failed';

export interface RoomEvents {
  participantJoined: (participant: RemoteParticipant) => void;
  participantLeft: (participant: RemoteParticipant) => void;
  trackSubscribed: (track: MediaStreamTrack, participant: RemoteParticipant) => void;
  trackUnsubscribed: (track: MediaStreamTrack, participant: RemoteParticipant) => void;
  connectionStateChanged: (state: ConnectionState) => void;
  /**
   * The server is going down (a restart or deploy) and will close this connection in about `drainMs`; the call
   * goes on until then. Join again once it is back (the close comes as `connection_lost` with close code 1001).
   */
  shuttingDown: (info: { drainMs: number }) => void;
  /** Something failed or the server refused something; `serverCode` / `closeCode` on the error say what. */
  error: (error: BackdropError) => void;
}

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
}

/**
 * A meeting as seen from this browser: one signalling connection, one publisher PeerConnection (our audio and
 * video to the SFU) and one multistream subscriber PeerConnection (everyone else's media from the SFU).
 */
export class Room extends TypedEmitter<RoomEvents> {
  private _state: ConnectionState = 'idle';
  private signaling: SignalingChannel | undefined;
  private publisherPc: RTCPeerConnection | undefined;
  private subscriberPc: RTCPeerConnection | undefined;
  /** Trickle ICE of each PeerConnection, by the target name the server uses. */
  private readonly trickle = new Map<IceTarget, TrickleIce>();
  /** The options' ICE servers and the server's (TURN with this join's credentials). */
  private iceServers: RTCIceServer[] = [];
  private readonly _participants = new Map<string, RemoteParticipant>();
  /** Which participant each subscriber m-line carries, as of the last applied offer. */
  private midOwners = new Map<string, string>();
  /** Subscriber offers are applied one after another. */
  private subscriberQueue: Promise<void> = Promise.resolve();
  private _localParticipantId: string | undefined;
  /** Set while leave() runs, so the socket closing under it is not reported as a lost connection. */
  private leaving = false;

  constructor(private readonly options: RoomOptions) {
    super({ name: 'client.room', ...(options.log && { log: options.log }) });
  }

  get state(): ConnectionState {
    return this._state;
  }

  get localParticipantId(): string | undefined {
    return this._localParticipantId;
  }

  get participants(): ReadonlyMap<string, RemoteParticipant> {
    return this._participants;
  }

  private setState(state: ConnectionState): void {
    if (this._state === state) return;
    this._state = state;
    this.emit('connectionStateChanged', state);
  }

  async join(roomName: string, displayName: string): Promise<void> {
    if (this._state !== 'idle' && this._state !== 'disconnected') {
      throw BackdropError.invalidState(`cannot join while ${this._state}`);
    }
    this.setState('connecting');
    try {
      const signaling = await SignalingChannel.open(this.options.signalingUrl, this.options.log);
      this.signaling = signaling;
      signaling.on('message', (message) => this.onServerMessage(message));
      signaling.on('closed', (code, reason) => this.onSignalingClosed(code, reason));
      const joined = await signaling.request({ type: 'join', room: roomName, name: displayName }, 'joined');
      this._localParticipantId = joined.participantId;
      this.iceServers = [...(this.options.iceServers ?? []), ...joined.iceServers];
      this.setState('connected');
      for (const info of joined.participants) this.addParticipant(info);
    } catch (error) {
      this.teardown();
      this.setState('failed');
      throw error instanceof BackdropError
        ? error
        : new BackdropError('connection_failed', 'could not join', { cause: error });
    }
  }

  /** Sends our tracks (normally one audio and one video) to the SFU. */
  async publish(tracks: MediaStreamTrack[]): Promise<void> {
    const signaling = this.requireConnected();
    if (this.publisherPc) throw BackdropError.invalidState('already publishing');
    const pc = this.createPeerConnection('publisher');
    this.publisherPc = pc;
    const stream = new MediaStream(tracks);
    for (const track of tracks) pc.addTransceiver(track, { direction: 'sendonly', streams: [stream] });
    pc.addEventListener('connectionstatechange', () => {
      if (pc.connectionState === 'failed' && this.publisherPc === pc) {
        this.emit('error', new BackdropError('media_failed', 'the connection sending your media failed'));
      }
    });
    await pc.setLocalDescription(await pc.createOffer());
    // No wait for ICE gathering: the candidates follow the offer as `trickle` messages.
    const answer = await signaling.request(
      { type: 'publish', sdp: pc.localDescription!.sdp },
      'publishAnswer',
    );
    await pc.setRemoteDescription({ type: 'answer', sdp: answer.sdp });
    this.trickle.get('publisher')?.remoteDescriptionSet();
  }

  /** A PeerConnection with our ICE settings whose candidates trickle to the server as `target`. */
  private createPeerConnection(target: IceTarget): RTCPeerConnection {
    const pc = new RTCPeerConnection({
      iceServers: this.iceServers,
      iceTransportPolicy: this.options.iceTransportPolicy ?? 'all',
      bundlePolicy: 'max-bundle',
    });
    this.trickle.set(
      target,
      new TrickleIce({
        pc,
        send: (candidate) => this.sendCandidate(target, candidate),
        onError: (error) =>
          this.options.log?.error('an ICE candidate from the server was refused', { target, error }),
      }),
    );
    return pc;
  }

  private sendCandidate(target: IceTarget, candidate: IceCandidate | null): void {
    // Once the socket is gone the call is being torn down; that loss is reported on its own.
    if (this._state !== 'connected' || !this.signaling) return;
    try {
      this.signaling.send({ type: 'trickle', target, candidate });
    } catch {
      // The socket closed under us: onSignalingClosed reports it.
    }
  }

  /** Swaps the published camera track (e.g. for a processed one) without renegotiating. */
  async replaceVideoTrack(track: MediaStreamTrack): Promise<void> {
    const sender = this.publisherPc?.getSenders().find((s) => s.track?.kind === 'video' || s.track === null);
    if (!sender) throw BackdropError.invalidState('not publishing video');
    await sender.replaceTrack(track);
  }

  async leave(): Promise<void> {
    this.leaving = true;
    const signaling = this.signaling;
    if (signaling && this._state === 'connected') {
      await signaling.request({ type: 'leave' }, 'left').catch(() => undefined);
    }
    this.teardown();
    this.leaving = false;
    this.setState('disconnected');
  }

  private requireConnected(): SignalingChannel {
    if (this._state !== 'connected' || !this.signaling) throw BackdropError.invalidState('join a room first');
    return this.signaling;
  }

  private onServerMessage(message: ServerMessage): void {
    switch (message.type) {
      case 'participantJoined':
        this.addParticipant(message.participant);
        break;
      case 'participantLeft':
        this.removeParticipant(message.participantId);
        break;
      case 'subscriberOffer':
        this.subscriberQueue = this.subscriberQueue
          .then(() => this.applySubscriberOffer(message))
          .catch((error: unknown) =>
            this.emit(
              'error',
              new BackdropError('media_failed', 'could not receive media', { cause: error }),
            ),
          );
        break;
      case 'trickle':
        this.trickle.get(message.target)?.addRemote(message.candidate);
        break;
      case 'shuttingDown':
        this.emit('shuttingDown', { drainMs: message.drainMs });
        break;
      case 'error':
        this.emit('error', BackdropError.fromServer(message));
        break;
      default:
        break;
    }
  }

  private addParticipant(info: ParticipantInfo): void {
    if (info.id === this._localParticipantId || this._participants.has(info.id)) return;
    const participant = new RemoteParticipant(info.id, info.name);
    this._participants.set(info.id, participant);
    this.emit('participantJoined', participant);
  }

  private removeParticipant(id: string): void {
    const participant = this._participants.get(id);
    if (!participant) return;
    for (const track of participant.stream.getTracks()) {
      participant.stream.removeTrack(track);
      this.emit('trackUnsubscribed', track, participant);
    }
    for (const [mid, owner] of this.midOwners) if (owner === id) this.midOwners.delete(mid);
    this._participants.delete(id);
    this.emit('participantLeft', participant);
  }

  private subscriber(): RTCPeerConnection {
    if (this.subscriberPc) return this.subscriberPc;
    const pc = this.createPeerConnection('subscriber');
    pc.addEventListener('connectionstatechange', () => {
      if (pc.connectionState === 'failed' && this.subscriberPc === pc) {
        this.emit('error', new BackdropError('media_failed', 'the connection receiving media failed'));
      }
    });
    this.subscriberPc = pc;
    return pc;
  }

  private async applySubscriberOffer(offer: ServerMessageOf<'subscriberOffer'>): Promise<void> {
    const signaling = this.signaling;
    if (!signaling || this._state !== 'connected') return;
    const pc = this.subscriber();
    await pc.setRemoteDescription({ type: 'offer', sdp: offer.sdp });
    this.trickle.get('subscriber')?.remoteDescriptionSet();
    await pc.setLocalDescription(await pc.createAnswer());
    // No wait for ICE gathering: the candidates follow the answer as `trickle` messages.
    signaling.send({ type: 'subscriberAnswer', sdp: pc.localDescription!.sdp });
    this.applyStreams(pc, offer.streams);
  }

  /** Moves each receiver track to the participant its m-line now carries. */
  private applyStreams(pc: RTCPeerConnection, streams: ServerMessageOf<'subscriberOffer'>['streams']): void {
    const active = streams.filter((s) => this._participants.has(s.participantId));
    const tracks = new Map(
      pc.getTransceivers().flatMap((t) => (t.mid ? [[t.mid, t.receiver.track] as const] : [])),
    );
    for (const move of planTrackMoves(this.midOwners, active)) {
      const track = tracks.get(move.mid);
      const from = move.from ? this._participants.get(move.from) : undefined;
      const to = move.to ? this._participants.get(move.to) : undefined;
      if (track && from?.stream.getTrackById(track.id)) {
        from.stream.removeTrack(track);
        this.emit('trackUnsubscribed', track, from);
      }
      if (move.to) this.midOwners.set(move.mid, move.to);
      else this.midOwners.delete(move.mid);
      if (track && to) {
        to.stream.addTrack(track);
        this.emit('trackSubscribed', track, to);
      }
    }
  }

  private onSignalingClosed(code: number, reason: string): void {
    if (this._state !== 'connected' || this.leaving) return;
    this.teardown();
    this.setState('disconnected');
    this.emit(
      'error',
      new BackdropError(
        'connection_lost',
        code === CLOSE_CODES.serviceRestart
          ? 'the media server restarted; please rejoin'
          : `disconnected from the server (${code} ${reason})`,
        { closeCode: code },
      ),
    );
  }

  /** Closes both PeerConnections and the socket and forgets every participant. Idempotent. */
  private teardown(): void {
    for (const id of [...this._participants.keys()]) this.removeParticipant(id);
    this.publisherPc?.close();
    this.subscriberPc?.close();
    this.publisherPc = undefined;
    this.subscriberPc = undefined;
    this.trickle.clear();
    this.midOwners = new Map();
    const signaling = this.signaling;
    this.signaling = undefined;
    signaling?.close();
    this._localParticipantId = undefined;
  }
}
