/**
 * Token buckets, the one rate mechanism of the server: per socket (messages, bad messages) and per client
 * address (joins, room creations). Pure: time is passed in, so tests need no clock.
 */

export interface BucketRate {
  /** Tokens added per second. */
  perSecond: number;
  /** Most tokens held at once: the largest burst allowed. */
  burst: number;
}

/** A rate given per minute, with the whole minute's allowance as the burst. */
export function perMinute(count: number): BucketRate {
  return { perSecond: count / 60, burst: count };
}

export class TokenBucket {
  private tokens: number;
  private updatedMs: number;

  constructor(
    private readonly rate: BucketRate,
    nowMs: number,
  ) {
    this.tokens = rate.burst;
    this.updatedMs = nowMs;
  }

  private refill(nowMs: number): void {
    const elapsed = Math.max(0, nowMs - this.updatedMs) / 1000;
    this.tokens = Math.min(this.rate.burst, this.tokens + elapsed * this.rate.perSecond);
    this.updatedMs = nowMs;
  }

  /** Takes `cost` tokens if there are that many; false (nothing taken) if not. */
  take(nowMs: number, cost = 1): boolean {
    this.refill(nowMs);
    if (this.tokens < cost) return false;
    this.tokens -= cost;
    return true;
  }

  /** Whether `cost` tokens are there now, taking nothing. */
  has(nowMs: number, cost = 1): boolean {
    this.refill(nowMs);
    return this.tokens >= cost;
  }

  /** True when the bucket is full again, i.e. it remembers nothing and can be dropped. */
  isFull(nowMs: number): boolean {
    this.refill(nowMs);
    return this.tokens >= this.rate.burst;
  }
}

/**
 * One token bucket per key (a client address), created on first use and forgotten once full again, so the
 * map holds only keys seen recently. `maxKeys` bounds it even under a flood of distinct keys: past it, the
 * oldest key is dropped (which errs towards letting that key through, never towards unbounded memory).
 */
export class KeyedBuckets {
  private readonly buckets = new Map<string, TokenBucket>();

  constructor(
    private readonly rate: BucketRate,
    private readonly maxKeys = 100_000,
  ) {}

  take(key: string, nowMs: number, cost = 1): boolean {
    let bucket = this.buckets.get(key);
    if (!bucket) {
      if (this.buckets.size >= this.maxKeys) this.sweep(nowMs);
      if (this.buckets.size >= this.maxKeys) {
        const oldest = this.buckets.keys().next().value;
        if (oldest !== undefined) this.buckets.delete(oldest);
      }
      bucket = new TokenBucket(this.rate, nowMs);
      this.buckets.set(key, bucket);
    }
    return bucket.take(nowMs, cost);
  }

  /** Whether `key` could take `cost` tokens now, taking nothing (an unseen key has a full bucket). */
  has(key: string, nowMs: number, cost = 1): boolean {
    const bucket = this.buckets.get(key);
    return bucket ? bucket.has(nowMs, cost) : cost <= this.rate.burst;
  }

  /** Drops the buckets that are full again. Call now and then (e.g. from a heartbeat). */
  sweep(nowMs: number): void {
    for (const [key, bucket] of this.buckets) if (bucket.isFull(nowMs)) this.buckets.delete(key);
  }

  get size(): number {
    return this.buckets.size;
  }
}

/** Counts open things (sockets) per key, with a cap per key. */
export class KeyedCounter {
  private readonly counts = new Map<string, number>();

  constructor(private readonly maxPerKey: number) {}

  /** Counts one more for `key` if under the cap; false (nothing counted) if at it. */
  acquire(key: string): boolean {
    const count = this.counts.get(key) ?? 0;
    if (count >= this.maxPerKey) return false;
    this.counts.set(key, count + 1);
    return true;
  }

  release(key: string): void {
    const count = this.counts.get(key) ?? 0;
    if (count <= 1) this.counts.delete(key);
    else this.counts.set(key, count - 1);
  }

  count(key: string): number {
    return this.counts.get(key) ?? 0;
  }

  get size(): number {
    return this.counts.size;
  }
}
