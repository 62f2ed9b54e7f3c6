import type { IceCandidate } from '@backdrop/protocol';
import type { PeerConnection } from './transport.js';

/** SFU candidates held for a PeerConnection that has no remote description yet, at most. */
export const MAX_PENDING_REMOTE_CANDIDATES = 64;

export interface TrickleIceOptions {
  pc: Pick<PeerConnection, 'addEventListener' | 'remoteDescription' | 'addIceCandidate'>;
  /** Sends one of our candidates (null: we have gathered them all) to the server. */
  send(candidate: IceCandidate | null): void;
  /** A candidate from the SFU that could not be applied (ICE goes on with the others). */
  onError(error: unknown): void;
}

/**
 * Trickle ICE for one PeerConnection, both ways: our candidates go to the server as they are gathered (so an
 * offer or answer never waits for gathering, and slow relay candidates are never cut off); the SFU's are
 * applied once the remote description is set, and held until then.
 */
export class TrickleIce {
  private readonly pending: (IceCandidate | null)[] = [];

  constructor(private readonly options: TrickleIceOptions) {
    options.pc.addEventListener('icecandidate', (event) => {
      const found = event.candidate;
      if (found === null) {
        options.send(null);
        return;
      }
      // An empty candidate ends one generation of candidates; the null event that follows says the same.
      if (!found.candidate) return;
      options.send({ candidate: found.candidate, sdpMid: found.sdpMid, sdpMLineIndex: found.sdpMLineIndex });
    });
  }

  /** One of the SFU's candidates (null: end-of-candidates). */
  addRemote(candidate: IceCandidate | null): void {
    if (this.options.pc.remoteDescription) {
      this.apply(candidate);
      return;
    }
    if (this.pending.length >= MAX_PENDING_REMOTE_CANDIDATES) {
      this.options.onError(new Error(`more than ${MAX_PENDING_REMOTE_CANDIDATES} early ICE candidates`));
      return;
    }
    this.pending.push(candidate);
  }

  /** Call after every setRemoteDescription: applies the candidates that waited for it. */
  remoteDescriptionSet(): void {
    for (const candidate of this.pending.splice(0)) this.apply(candidate);
  }

  private apply(candidate: IceCandidate | null): void {
    const { pc, onError } = this.options;
    // No argument: end-of-candidates for every m-line.
    (candidate ? pc.addIceCandidate(candidate) : pc.addIceCandidate()).catch(onError);
  }
}
