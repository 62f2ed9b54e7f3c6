import { describe, expect, it } from 'vitest';
import { PingTracker } from './heartbeat.js';

const b = (s: string) => Buffer.from(s);

describe('PingTracker', () => {
  it('keeps a socket that echoes each ping', () => {
    const t = new PingTracker();
    for (const p of ['a1', 'b2', 'c3']) {
      expect(t.beat(b(p))).toBe(true);
      t.pong(b(p));
    }
    expect(t.beat(b('d4'))).toBe(true);
  });

  it('drops a socket that misses one ping', () => {
    const t = new PingTracker();
    expect(t.beat(b('a1'))).toBe(true);
    expect(t.beat(b('b2'))).toBe(false);
  });

  it('counts unsolicited pongs, stale pongs and empty pongs for nothing', () => {
    const t = new PingTracker();
    t.pong(b('guess'));
    expect(t.beat(b('a1'))).toBe(true);
    t.pong(b('a1'));
    expect(t.beat(b('b2'))).toBe(true);
    t.pong(b('a1')); // answers the previous ping, not the latest
    t.pong(b(''));
    t.pong(b('b'));
    t.pong(b('b2x'));
    expect(t.beat(b('c3'))).toBe(false);
  });
});
