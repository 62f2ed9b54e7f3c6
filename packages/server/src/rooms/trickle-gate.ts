import { MAX_PENDING_CANDIDATES } from '@backdrop/protocol';
import { ServerError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { SfuCandidate, SfuTrickle } from '../sfu/sfu.js';

/**
 * Holds a browser's ICE candidates for one SFU handle until that handle has both SDP descriptions, then passes
 * them on in order, and every later one at once. The browser trickles from the moment it sets its local
 * description, which is before the SFU has its offer (publisher) or answer (subscriber); sent that early, the
 * SFU would have to keep them itself, in a list we do not bound. So they wait here, at most
 * MAX_PENDING_CANDIDATES of them.
 */
export class TrickleGate {
  private state: 'waiting' | 'open' | 'closed' = 'waiting';
  private readonly pending: (SfuCandidate | null)[] = [];

  constructor(
    private readonly handle: SfuTrickle,
    private readonly logger: Logger,
  ) {}

  /** Candidates waiting for the SDP exchange (for tests and metrics). */
  get pendingCount(): number {
    return this.pending.length;
  }

  /** One browser candidate (null: end-of-candidates). Throws `bad_message` when too many are waiting. */
  add(candidate: SfuCandidate | null): void {
    if (this.state === 'closed') return;
    if (this.state === 'open') {
      this.forward(candidate);
      return;
    }
    if (this.pending.length >= MAX_PENDING_CANDIDATES) {
      throw new ServerError(
        'bad_message',
        `more than ${MAX_PENDING_CANDIDATES} ICE candidates before the SDP exchange finished`,
      );
    }
    this.pending.push(candidate);
  }

  /** The handle has both descriptions: sends what waited, in order. Idempotent. */
  open(): void {
    if (this.state !== 'waiting') return;
    this.state = 'open';
    for (const candidate of this.pending.splice(0)) this.forward(candidate);
  }

  /**
   * A new SDP exchange with new ICE credentials (an ICE restart) is starting: candidates wait again until
   * `open`. Nothing to do while still waiting or once closed.
   */
  rewind(): void {
    if (this.state === 'open') this.state = 'waiting';
  }

  /** Drops what waits; later candidates are ignored (the handle is going away). */
  close(): void {
    this.state = 'closed';
    this.pending.length = 0;
  }

  private forward(candidate: SfuCandidate | null): void {
    // A candidate the SFU refuses spoils nothing else: ICE goes on with the others.
    this.handle.trickle(candidate).catch((error: unknown) => {
      if (this.state !== 'closed') this.logger.warn({ err: error }, 'the SFU refused an ICE candidate');
    });
  }
}
