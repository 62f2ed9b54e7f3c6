import { describe, expect, it } from 'vitest';
import { type MessageVerdict, SocketLimits } from './socket-limits.js';

function tally(verdicts: MessageVerdict[]): Record<MessageVerdict, number> {
  const out = { accept: 0, refuse: 0, drop: 0, close: 0 };
  for (const v of verdicts) out[v]++;
  return out;
}

describe('SocketLimits', () => {
  it('accepts a burst of 4x the rate, then refuses with bounded replies, then closes', () => {
    const limits = new SocketLimits({ messagesPerSecond: 10, badMessagesPerMinute: 30 }, 0);
    const verdicts: MessageVerdict[] = [];
    for (let i = 0; i < 81; i++) verdicts.push(limits.message(0));
    // 40 accepted, then 40 refused (2 of them answered), then closed.
    expect(tally(verdicts.slice(0, 80))).toEqual({ accept: 40, refuse: 2, drop: 38, close: 0 });
    expect(verdicts[80]).toBe('close');
  });

  it('lets a client that keeps to the sustained rate go on forever', () => {
    const limits = new SocketLimits({ messagesPerSecond: 10, badMessagesPerMinute: 30 }, 0);
    const verdicts: MessageVerdict[] = [];
    for (let i = 0; i < 10_000; i++) verdicts.push(limits.message(i * 100));
    expect(tally(verdicts).accept).toBe(10_000);
  });

  it('forgives a client that overran once and then backed off', () => {
    const limits = new SocketLimits({ messagesPerSecond: 10, badMessagesPerMinute: 30 }, 0);
    for (let i = 0; i < 60; i++) limits.message(0);
    expect(limits.message(0)).not.toBe('accept');
    // Ten seconds later both buckets are full again.
    const later: MessageVerdict[] = [];
    for (let i = 0; i < 40; i++) later.push(limits.message(10_000));
    expect(tally(later).accept).toBe(40);
  });

  it('replies rate_limited about once a second during a long flood', () => {
    const limits = new SocketLimits({ messagesPerSecond: 100, badMessagesPerMinute: 30 }, 0);
    const verdicts: MessageVerdict[] = [];
    // 200 messages/s for 5 s: over the rate, but the excess refills at 100/s, so it is never closed.
    for (let i = 0; i < 1000; i++) verdicts.push(limits.message(i * 5));
    const t = tally(verdicts);
    expect(t.close).toBe(0);
    expect(t.accept).toBeLessThan(1000);
    expect(t.refuse).toBeGreaterThanOrEqual(2);
    expect(t.refuse).toBeLessThanOrEqual(2 + 5);
  });

  it('closes after the bad-message allowance of a minute, which refills over the minute', () => {
    const limits = new SocketLimits({ messagesPerSecond: 10, badMessagesPerMinute: 30 }, 0);
    for (let i = 0; i < 30; i++) expect(limits.badMessage(0)).toBe(true);
    expect(limits.badMessage(0)).toBe(false);
    expect(limits.badMessage(2_000)).toBe(true); // one more after 2 s (30/min)
    expect(limits.badMessage(2_000)).toBe(false);
  });
});
