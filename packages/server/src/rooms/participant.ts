import { randomBytes, randomInt } from 'node:crypto';
import type { IceTarget, ParticipantInfo, ServerMessage } from '@backdrop/protocol';
import type { Logger } from '../logger.js';
import type { SfuCandidate, SfuPublisher } from '../sfu/sfu.js';
import type { Subscription } from './subscription.js';
import { TrickleGate } from './trickle-gate.js';

/** Where a participant's server messages go: its signalling connection. */
export type MessageSink = (message: ServerMessage) => void;

/** A fresh server-stamped identity. Ids are never taken from a client. */
export function newIdentity(): { id: string; feedId: number } {
  return { id: `p_${randomBytes(9).toString('base64url')}`, feedId: randomInt(1, 2 ** 47) };
}

/** One person in one room: their SFU publisher and subscription, and the socket they are reached on. */
export class Participant {
  /** True once the publisher's media reached the SFU; only then can others subscribe to it. */
  publishing = false;
  /** True once a publish offer was accepted: one publish per join (renegotiation is not supported yet). */
  offered = false;
  /** The browser's publisher candidates, held until the SFU has answered its offer. */
  private readonly publisherIce: TrickleGate;

  constructor(
    readonly id: string,
    readonly feedId: number,
    readonly name: string,
    readonly send: MessageSink,
    readonly publisher: SfuPublisher,
    readonly subscription: Subscription,
    readonly logger: Logger,
  ) {
    this.publisherIce = new TrickleGate(publisher, logger);
  }

  get info(): ParticipantInfo {
    return { id: this.id, name: this.name };
  }

  /** Sends the browser's publisher offer to the SFU; resolves with the answer. Its candidates flow from then. */
  async publish(offerSdp: string): Promise<string> {
    const answer = await this.publisher.publish(offerSdp);
    this.publisherIce.open();
    return answer;
  }

  /** One of the browser's ICE candidates (null: end-of-candidates) for one of its PeerConnections. */
  trickle(target: IceTarget, candidate: SfuCandidate | null): void {
    if (target === 'publisher') this.publisherIce.add(candidate);
    else this.subscription.trickle(candidate);
  }

  private closing: Promise<void> | undefined;

  /** Closes both SFU handles; idempotent, and every caller waits for the same close. */
  close(): Promise<void> {
    this.publisherIce.close();
    this.closing ??= Promise.allSettled([this.subscription.close(), this.publisher.close()]).then(
      () => undefined,
    );
    return this.closing;
  }
}
