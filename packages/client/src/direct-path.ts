import { type ListenerErrorLog, TypedEmitter } from '@backdrop/events';
import type { IceCandidate, PeerDescription } from '@backdrop/protocol';

/** One message of the direct path's signalling, either way (the server relays it as `peerSignal`). */
export interface PeerSignal {
  description?: PeerDescription;
  candidate?: IceCandidate | null;
}

export interface DirectPathEvents {
  /** A track of the peer arrived on this PeerConnection, with its receiver (to watch for frames). */
  track: (track: MediaStreamTrack, receiver: RTCRtpReceiver) => void;
  /** The PeerConnection is closed: by `close`, after both sides finished, or because it failed for good. */
  closed: () => void;
}

export interface DirectPathOptions {
  peerId: string;
  /** The polite side of perfect negotiation rolls back its own offer on glare; the server picks one of each. */
  polite: boolean;
  /** A new PeerConnection with the room's ICE servers and transport policy. */
  pc: RTCPeerConnection;
  /** Our current local tracks (audio and video), sent to the peer. */
  tracks: readonly MediaStreamTrack[];
  /** Sends one signal to the peer through the server. */
  send(signal: PeerSignal): void;
  log?: ListenerErrorLog;
  /** Where a failure worth knowing goes (negotiation errors); the media stays on the SFU meanwhile. */
  onError(message: string, error: unknown): void;
}

/** Said over the control channel once a side shows the SFU's media instead of this path's. */
const SWITCHED = 'switched';

type State = 'open' | 'finishing' | 'closed';

/**
 * The browser-to-browser PeerConnection of a two-person room: our tracks to the peer and theirs to us,
 * perfect negotiation (https://w3c.github.io/webrtc-pc/#perfect-negotiation-example) over `peerSignal`, ICE
 * restart when ICE fails. Leaving the direct path is gap-free: `finish` tells the peer over a negotiated data
 * channel, and the PeerConnection closes only once both sides have finished (or the channel is gone), so
 * neither stops sending while the other still shows this path.
 */
export class DirectPath extends TypedEmitter<DirectPathEvents> {
  readonly peerId: string;
  private readonly pc: RTCPeerConnection;
  private control: RTCDataChannel | undefined;
  private state: State = 'open';
  private peerFinished = false;
  private makingOffer = false;
  private ignoreOffer = false;
  private readonly videoSenders: RTCRtpSender[] = [];
  private readonly audioSenders: RTCRtpSender[] = [];
  /**
   * Our tracks as they are now: a swap before `addLocal` (the polite side waits for the first offer) must not
   * leave the path to send the track it was made with (the raw camera, when an effect was chosen meanwhile).
   */
  private tracks: MediaStreamTrack[];
  /** The stream our tracks are sent in (one, so the peer plays them in sync); made by `addLocal`. */
  private stream: MediaStream | undefined;

  constructor(private readonly options: DirectPathOptions) {
    super({ name: 'client.direct-path', ...(options.log && { log: options.log }) });
    this.peerId = options.peerId;
    this.tracks = [...options.tracks];
    const pc = options.pc;
    this.pc = pc;
    // The first offer is the impolite side's only: the polite side adds its tracks and channel once that offer
    // is applied, so the first negotiation never has glare (a rolled-back offer's candidates were lost in tests).
    if (!options.polite) this.addLocal();
    pc.addEventListener('track', (event) => this.emit('track', event.track, event.receiver));
    pc.addEventListener('negotiationneeded', () => void this.offer());
    pc.addEventListener('icecandidate', (event) => {
      const found = event.candidate;
      if (found === null) this.send({ candidate: null });
      else if (found.candidate)
        this.send({
          candidate: { candidate: found.candidate, sdpMid: found.sdpMid, sdpMLineIndex: found.sdpMLineIndex },
        });
    });
    pc.addEventListener('iceconnectionstatechange', () => {
      if (pc.iceConnectionState === 'failed' && this.state !== 'closed') pc.restartIce();
    });
  }

  /** Our tracks and the control channel; on the polite side, once the impolite side's first offer is set. */
  private addLocal(): void {
    if (this.control) return;
    const control = this.pc.createDataChannel('backdrop-control', { negotiated: true, id: 0 });
    this.control = control;
    control.addEventListener('message', (event) => {
      if (event.data !== SWITCHED) return;
      this.peerFinished = true;
      if (this.state === 'finishing') this.close();
    });
    control.addEventListener('close', () => {
      if (this.state === 'finishing') this.close();
    });
    const stream = new MediaStream([...this.tracks]);
    this.stream = stream;
    for (const track of this.tracks) this.addSender(track, stream);
    for (const kind of ['audio', 'video'] as const)
      if (!this.tracks.some((t) => t.kind === kind)) this.addEmptySender(kind, stream);
  }

  /**
   * An m-line for a kind we have no track of yet, sending nothing: the track that comes later (the microphone
   * that follows a camera-first open) is swapped in without a renegotiation. An m-line added later, with its
   * renegotiation, stalled the peer's picture of us in about 1 in 13 joins (p2p.e2e and a scratch loop: the
   * peer's receivers decoded our video and got our audio packets, but its video track showed no new frame and
   * its audio track stayed muted); with both devices there from the start, 0 in 30; with these m-lines and the
   * late microphone, 0 in 40. The polite side takes the m-line of the peer's offer, as addTrack would.
   */
  private addEmptySender(kind: 'audio' | 'video', stream: MediaStream): void {
    const taken = new Set([...this.videoSenders, ...this.audioSenders]);
    const offered = this.pc
      .getTransceivers()
      .find(
        (t) =>
          t.receiver.track.kind === kind &&
          t.sender.track === null &&
          !taken.has(t.sender) &&
          (t.direction === 'recvonly' || t.direction === 'inactive'),
      );
    let sender: RTCRtpSender;
    if (offered) {
      offered.direction = 'sendrecv';
      offered.sender.setStreams(stream);
      sender = offered.sender;
    } else {
      sender = this.pc.addTransceiver(kind, { direction: 'sendrecv', streams: [stream] }).sender;
    }
    if (kind === 'video') this.videoSenders.push(sender);
    else this.audioSenders.push(sender);
  }

  private addSender(track: MediaStreamTrack, stream: MediaStream): void {
    // addTrack, not addTransceiver: it reuses the transceivers of the peer's m-lines of the same kind.
    const sender = this.pc.addTrack(track, stream);
    if (track.kind === 'video') this.videoSenders.push(sender);
    else this.audioSenders.push(sender);
  }

  /**
   * Makes `track` our track of its kind: swapped in where one is sent, or onto the m-line kept empty for it
   * (addEmptySender); before addLocal, only remembered.
   */
  private async setTrack(track: MediaStreamTrack): Promise<void> {
    this.tracks = [...this.tracks.filter((t) => t.kind !== track.kind), track];
    // Before addLocal, it takes the tracks as they are then.
    if (!this.stream || this.state === 'closed') return;
    const senders = track.kind === 'video' ? this.videoSenders : this.audioSenders;
    await Promise.all(senders.map((s) => s.replaceTrack(track)));
  }

  private send(signal: PeerSignal): void {
    if (this.state !== 'closed') this.options.send(signal);
  }

  private async offer(): Promise<void> {
    try {
      this.makingOffer = true;
      await this.pc.setLocalDescription();
      const local = this.pc.localDescription;
      if (local && (local.type === 'offer' || local.type === 'answer'))
        this.send({ description: { type: local.type, sdp: local.sdp } });
    } catch (error) {
      if ((this.state as State) !== 'closed') this.options.onError('could not make a direct offer', error);
    } finally {
      this.makingOffer = false;
    }
  }

  /** A signal from the peer, relayed by the server. */
  async handleSignal(signal: PeerSignal): Promise<void> {
    if (this.state === 'closed') return;
    const pc = this.pc;
    try {
      if (signal.description) {
        const description = signal.description;
        const collision =
          description.type === 'offer' && (this.makingOffer || pc.signalingState !== 'stable');
        this.ignoreOffer = !this.options.polite && collision;
        if (this.ignoreOffer) return;
        await pc.setRemoteDescription(description);
        if (description.type === 'offer') {
          this.addLocal();
          await pc.setLocalDescription();
          const local = pc.localDescription;
          if (local?.type === 'answer') this.send({ description: { type: 'answer', sdp: local.sdp } });
        }
      } else if (signal.candidate !== undefined) {
        try {
          await (signal.candidate ? pc.addIceCandidate(signal.candidate) : pc.addIceCandidate());
        } catch (error) {
          if (!this.ignoreOffer) throw error;
        }
      }
    } catch (error) {
      if ((this.state as State) !== 'closed')
        this.options.onError('a direct signal could not be applied', error);
    }
  }

  /** Sends `track` instead of our current video, without renegotiating (or as our first video). */
  replaceVideoTrack(track: MediaStreamTrack): Promise<void> {
    return this.setTrack(track);
  }

  /**
   * Sends `track` instead of our current microphone (another device), or as our first (it follows a camera-first
   * open), without renegotiating.
   */
  replaceAudioTrack(track: MediaStreamTrack): Promise<void> {
    return this.setTrack(track);
  }

  /**
   * We now show the SFU's media for this peer: tell the peer, and close once it has finished too (or the
   * control channel is gone, or never opened).
   */
  finish(): void {
    if (this.state !== 'open') return;
    this.state = 'finishing';
    const control = this.control;
    if (control?.readyState !== 'open' || this.peerFinished) {
      if (control?.readyState === 'open') control.send(SWITCHED);
      this.close();
      return;
    }
    control.send(SWITCHED);
  }

  /** Closes the PeerConnection at once. Idempotent. */
  close(): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    this.pc.close();
    this.emit('closed');
  }
}
