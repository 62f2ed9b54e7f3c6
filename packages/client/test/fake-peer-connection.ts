import type { PeerConnection, PeerConnectionFactory } from '../src/transport.js';
import { FakeTrack } from './fake-media.js';

type Description = { type: RTCSdpType; sdp: string };

class FakeSender {
  readonly replaced: FakeTrack[] = [];
  constructor(public track: FakeTrack | null) {}
  async replaceTrack(track: FakeTrack | null): Promise<void> {
    this.track = track;
    if (track) this.replaced.push(track);
  }
}

interface FakeTransceiver {
  mid: string | null;
  sender: FakeSender;
  receiver: { track: FakeTrack };
}

/**
 * The RTCPeerConnection surface Room uses, scripted: offers and answers are plain strings that say what
 * they are (`offer 2 restart`), a remote offer's `a=mid:` lines become receivers, and a test sets the ICE
 * and connection states to see what Room does about them.
 */
export class FakePeerConnection extends EventTarget {
  localDescription: Description | null = null;
  remoteDescription: Description | null = null;
  signalingState: RTCSignalingState = 'stable';
  iceConnectionState: RTCIceConnectionState = 'new';
  connectionState: RTCPeerConnectionState = 'new';
  closed = false;
  readonly offers: (RTCOfferOptions | undefined)[] = [];
  readonly configurations: RTCConfiguration[];
  readonly transceivers: FakeTransceiver[] = [];
  readonly added: unknown[] = [];

  constructor(configuration: RTCConfiguration) {
    super();
    this.configurations = [configuration];
  }

  /** The init of each addTransceiver call (sendEncodings for simulcast), in order. */
  readonly transceiverInits: (RTCRtpTransceiverInit | undefined)[] = [];

  /** A track, or a kind for an m-line with no track yet (the screen share's, until one starts). */
  addTransceiver(trackOrKind: FakeTrack | 'audio' | 'video', init?: RTCRtpTransceiverInit): FakeTransceiver {
    const track = typeof trackOrKind === 'string' ? null : trackOrKind;
    const kind = typeof trackOrKind === 'string' ? trackOrKind : trackOrKind.kind;
    this.transceiverInits.push(init);
    const transceiver = {
      mid: String(this.transceivers.length),
      sender: new FakeSender(track),
      receiver: { track: new FakeTrack(kind as 'audio' | 'video') },
    };
    this.transceivers.push(transceiver);
    return transceiver;
  }

  getSenders(): FakeSender[] {
    return this.transceivers.map((t) => t.sender);
  }

  getTransceivers(): FakeTransceiver[] {
    return [...this.transceivers];
  }

  async createOffer(options?: RTCOfferOptions): Promise<Description> {
    this.offers.push(options);
    return { type: 'offer', sdp: `offer ${this.offers.length}${options?.iceRestart ? ' restart' : ''}` };
  }

  async createAnswer(): Promise<Description> {
    return { type: 'answer', sdp: `answer to ${this.remoteDescription?.sdp}` };
  }

  async setLocalDescription(description: { type: RTCSdpType; sdp?: string }): Promise<void> {
    if (description.type === 'rollback') {
      this.signalingState = 'stable';
      return;
    }
    this.localDescription = { type: description.type, sdp: description.sdp ?? '' };
    this.signalingState = description.type === 'offer' ? 'have-local-offer' : 'stable';
  }

  async setRemoteDescription(description: Description): Promise<void> {
    this.remoteDescription = description;
    this.signalingState = description.type === 'offer' ? 'have-remote-offer' : 'stable';
    if (description.type !== 'offer') return;
    for (const [, mid, kind] of description.sdp.matchAll(/a=mid:(\S+) (audio|video)/g)) {
      if (this.transceivers.some((t) => t.mid === mid)) continue;
      const track = new FakeTrack(kind as 'audio' | 'video');
      this.transceivers.push({ mid: mid!, sender: new FakeSender(null), receiver: { track } });
    }
  }

  async addIceCandidate(candidate?: unknown): Promise<void> {
    this.added.push(candidate ?? 'end');
  }

  setConfiguration(configuration: RTCConfiguration): void {
    this.configurations.push(configuration);
  }

  close(): void {
    this.closed = true;
    this.connectionState = 'closed';
    this.iceConnectionState = 'closed';
  }

  /** As the browser would: new ICE and connection states, then their events. */
  setState(ice: RTCIceConnectionState, connection: RTCPeerConnectionState = connectionFor(ice)): void {
    this.iceConnectionState = ice;
    this.connectionState = connection;
    this.dispatchEvent(new Event('iceconnectionstatechange'));
    this.dispatchEvent(new Event('connectionstatechange'));
  }

  /** One of our candidates, gathered. */
  gather(candidate: string): void {
    this.dispatchEvent(
      Object.assign(new Event('icecandidate'), { candidate: { candidate, sdpMid: '0', sdpMLineIndex: 0 } }),
    );
  }
}

function connectionFor(ice: RTCIceConnectionState): RTCPeerConnectionState {
  if (ice === 'completed') return 'connected';
  if (ice === 'checking') return 'connecting';
  return ice as RTCPeerConnectionState;
}

/** Every PeerConnection the Room made, in order. */
export class FakePeerConnections {
  readonly all: FakePeerConnection[] = [];
  readonly create: PeerConnectionFactory = (configuration) => {
    const pc = new FakePeerConnection(configuration);
    this.all.push(pc);
    return pc as unknown as PeerConnection;
  };
}
