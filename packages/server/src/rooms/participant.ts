import { randomBytes, randomInt } from 'node:crypto';
import type { ParticipantInfo, ServerMessage } from '@backdrop/protocol';
import type { Logger } from '../logger.js';
import type { SfuPublisher } from '../sfu/sfu.js';
import type { Subscription } from './subscription.js';

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

  constructor(
    readonly id: string,
    readonly feedId: number,
    readonly name: string,
    readonly send: MessageSink,
    readonly publisher: SfuPublisher,
    readonly subscription: Subscription,
    readonly logger: Logger,
  ) {}

  get info(): ParticipantInfo {
    return { id: this.id, name: this.name };
  }

  private closing: Promise<void> | undefined;

  /** Closes both SFU handles; idempotent, and every caller waits for the same close. */
  close(): Promise<void> {
    this.closing ??= Promise.allSettled([this.subscription.close(), this.publisher.close()]).then(
      () => undefined,
    );
    return this.closing;
  }
}
