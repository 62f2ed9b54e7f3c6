import { type BucketRate, perMinute, TokenBucket } from '../limits/token-bucket.js';

export interface SocketLimitOptions {
  /** Sustained messages per second; bursts of 4x are allowed. */
  messagesPerSecond: number;
  /** Invalid messages (bad JSON, schema, size, binary) per minute, with the whole minute as the burst. */
  badMessagesPerMinute: number;
}

/**
 * What to do with one more message on a socket:
 * - `accept`: handle it;
 * - `refuse`: drop it and reply `rate_limited`;
 * - `drop`: drop it silently (a flood gets at most one reply a second, so replies cannot amplify it);
 * - `close`: the socket went on past its limit: close it (CLOSE_CODES.rateLimited).
 */
export type MessageVerdict = 'accept' | 'refuse' | 'drop' | 'close';

/** `rate_limited` replies at most once a second, with a burst of 2. */
const REPLY_RATE: BucketRate = { perSecond: 1, burst: 2 };

/**
 * The per-socket rate limits, as decisions (pure: time is passed in). A socket over its message rate has its
 * messages refused; if it keeps sending past one more burst's worth of refused messages, it is closed.
 */
export class SocketLimits {
  private readonly messages: TokenBucket;
  /** Refused messages allowed before closing: the same rate again, so a client that backs off survives. */
  private readonly excess: TokenBucket;
  private readonly replies: TokenBucket;
  private readonly bad: TokenBucket;

  constructor(options: SocketLimitOptions, nowMs: number) {
    const rate = { perSecond: options.messagesPerSecond, burst: 4 * options.messagesPerSecond };
    this.messages = new TokenBucket(rate, nowMs);
    this.excess = new TokenBucket(rate, nowMs);
    this.replies = new TokenBucket(REPLY_RATE, nowMs);
    this.bad = new TokenBucket(perMinute(options.badMessagesPerMinute), nowMs);
  }

  /** Every frame counts, valid or not, before it is parsed. */
  message(nowMs: number): MessageVerdict {
    if (this.messages.take(nowMs)) return 'accept';
    if (!this.excess.take(nowMs)) return 'close';
    return this.replies.take(nowMs) ? 'refuse' : 'drop';
  }

  /** One invalid message: true while the socket is within its bad-message allowance, false to close it. */
  badMessage(nowMs: number): boolean {
    return this.bad.take(nowMs);
  }
}
