import { ServerError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { SfuCandidate, SfuOffer, SfuSubscriber } from '../sfu/sfu.js';
import { TrickleGate } from './trickle-gate.js';

const ANSWER_TIMEOUT_MS = 15_000;

/**
 * Keeps one participant's subscriber PeerConnection in step with the feeds it should receive. Callers say what
 * they want (`want`/`unwant`); a single loop turns the difference into SFU updates and offer/answer rounds with
 * the browser, one at a time, so concurrent joins and leaves never interleave two negotiations.
 */
export class Subscription {
  private readonly desired = new Set<number>();
  private readonly current = new Set<number>();
  private readonly unsolicited: SfuOffer[] = [];
  private running: Promise<void> | undefined;
  private closed = false;
  private waitingAnswer: { resolve(sdp: string): void; reject(error: Error): void } | undefined;
  /** The browser's subscriber candidates, held until the SFU has its first answer. */
  private readonly ice: TrickleGate;

  constructor(
    private readonly subscriber: SfuSubscriber,
    private readonly deliverOffer: (offer: SfuOffer) => void,
    private readonly logger: Logger,
  ) {
    this.ice = new TrickleGate(subscriber, logger);
    subscriber.on('offer', (offer) => {
      this.unsolicited.push(offer);
      this.kick();
    });
  }

  want(feedId: number): void {
    this.desired.add(feedId);
    this.kick();
  }

  unwant(feedId: number): void {
    this.desired.delete(feedId);
    this.kick();
  }

  /** Resolves the outstanding offer with the browser's answer. */
  answer(sdp: string): void {
    if (!this.waitingAnswer) throw ServerError.invalidState('no subscriber offer is waiting for an answer');
    this.waitingAnswer.resolve(sdp);
    this.waitingAnswer = undefined;
  }

  /** One of the browser's subscriber ICE candidates (null: end-of-candidates). */
  trickle(candidate: SfuCandidate | null): void {
    this.ice.add(candidate);
  }

  /** Resolves once every queued change has been negotiated (or failed). */
  async settled(): Promise<void> {
    while (this.running) await this.running;
  }

  private kick(): void {
    if (this.running || this.closed) return;
    this.running = this.loop().finally(() => {
      this.running = undefined;
    });
  }

  private async loop(): Promise<void> {
    while (!this.closed) {
      const unsolicited = this.unsolicited.shift();
      if (unsolicited) {
        await this.negotiate(unsolicited);
        continue;
      }
      const add = [...this.desired].filter((f) => !this.current.has(f));
      const remove = [...this.current].filter((f) => !this.desired.has(f));
      if (add.length === 0 && remove.length === 0) return;
      let offer: SfuOffer | null;
      try {
        offer = await this.subscriber.update({ add, remove });
      } catch (error) {
        // A feed that vanished in between cannot be added; stop wanting it rather than retrying forever.
        this.logger.warn({ err: error, add, remove }, 'subscription update failed');
        for (const f of add) this.desired.delete(f);
        for (const f of remove) this.current.delete(f);
        continue;
      }
      for (const f of add) this.current.add(f);
      for (const f of remove) this.current.delete(f);
      if (offer) await this.negotiate(offer);
    }
  }

  private async negotiate(offer: SfuOffer): Promise<void> {
    const answer = new Promise<string>((resolve, reject) => {
      this.waitingAnswer = { resolve, reject };
      setTimeout(
        () => reject(new Error('browser did not answer the subscriber offer in time')),
        ANSWER_TIMEOUT_MS,
      ).unref();
    });
    this.deliverOffer(offer);
    try {
      await this.subscriber.answer(await answer);
      // Renegotiations keep the ICE session, so once open the gate stays open.
      this.ice.open();
    } catch (error) {
      this.logger.warn({ err: error }, 'subscriber negotiation failed');
    } finally {
      this.waitingAnswer = undefined;
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.ice.close();
    this.waitingAnswer?.reject(new Error('subscription closed'));
    this.waitingAnswer = undefined;
    await this.subscriber.close();
  }
}
