import { describe, expect, it } from 'vitest';
import { KeyedBuckets, KeyedCounter, perMinute, TokenBucket } from './token-bucket.js';

describe('TokenBucket', () => {
  it('allows a burst, then the sustained rate', () => {
    const bucket = new TokenBucket({ perSecond: 2, burst: 4 }, 0);
    expect([1, 2, 3, 4, 5].map(() => bucket.take(0))).toEqual([true, true, true, true, false]);
    expect(bucket.take(400)).toBe(false);
    expect(bucket.take(500)).toBe(true);
    expect(bucket.take(500)).toBe(false);
    expect(bucket.take(10_000)).toBe(true);
  });

  it('never holds more than its burst, and ignores a clock that goes back', () => {
    const bucket = new TokenBucket({ perSecond: 100, burst: 2 }, 0);
    expect(bucket.take(60_000, 2)).toBe(true);
    expect(bucket.take(60_000)).toBe(false);
    expect(bucket.take(1_000)).toBe(false);
  });

  it('perMinute spreads a minute of allowance', () => {
    const bucket = new TokenBucket(perMinute(3), 0);
    expect([1, 2, 3, 4].map(() => bucket.take(0))).toEqual([true, true, true, false]);
    expect(bucket.take(19_000)).toBe(false);
    expect(bucket.take(20_000)).toBe(true);
  });
});

describe('KeyedBuckets', () => {
  it('limits each key on its own and forgets keys that are full again', () => {
    const buckets = new KeyedBuckets(perMinute(2));
    expect(buckets.take('a', 0)).toBe(true);
    expect(buckets.take('a', 0)).toBe(true);
    expect(buckets.take('a', 0)).toBe(false);
    expect(buckets.take('b', 0)).toBe(true);
    buckets.sweep(15_000);
    expect(buckets.size).toBe(2);
    buckets.sweep(30_000);
    expect(buckets.size).toBe(1);
    buckets.sweep(60_000);
    expect(buckets.size).toBe(0);
  });

  it('stays bounded under a flood of distinct keys', () => {
    const buckets = new KeyedBuckets(perMinute(1), 100);
    for (let i = 0; i < 10_000; i++) buckets.take(`k${i}`, 0);
    expect(buckets.size).toBeLessThanOrEqual(100);
  });
});

describe('KeyedCounter', () => {
  it('caps what is open per key and frees on release', () => {
    const counter = new KeyedCounter(2);
    expect([counter.acquire('a'), counter.acquire('a'), counter.acquire('a')]).toEqual([true, true, false]);
    expect(counter.acquire('b')).toBe(true);
    counter.release('a');
    expect(counter.acquire('a')).toBe(true);
    counter.release('a');
    counter.release('a');
    counter.release('b');
    expect(counter.size).toBe(0);
  });
});
