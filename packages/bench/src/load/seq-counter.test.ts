import { describe, expect, it } from 'vitest';
import { SeqCounter } from './seq-counter.js';

describe('SeqCounter', () => {
  it('counts distinct packets, not retransmissions or duplicates', () => {
    const c = new SeqCounter();
    for (const seq of [10, 11, 13, 12, 11, 13]) c.add(seq);
    expect(c.count).toBe(4);
  });

  it('follows sequence numbers across the 16-bit wrap, late packets included', () => {
    const c = new SeqCounter();
    for (const seq of [65533, 65534, 0, 65535, 1, 0, 2]) c.add(seq);
    expect(c.count).toBe(6);
    // A whole lap later the same numbers are new packets.
    for (let i = 3; i < 65536 + 3; i++) c.add(i & 0xffff);
    expect(c.count).toBe(6 + 65536);
  });

  it('counts a packet older than the start once', () => {
    const c = new SeqCounter();
    c.add(100);
    expect(c.add(99)).toBe(true);
    expect(c.add(99)).toBe(false);
    expect(c.count).toBe(2);
  });
});
