import { describe, expect, it } from 'vitest';
import { decodeRle, encodeRle } from './rle.js';

describe('RLE', () => {
  it('round-trips masks that start with either value', () => {
    for (const bits of [[0, 0, 1, 1, 1, 0], [1, 1, 0], [], [1], [0, 1, 0, 1, 0, 1]]) {
      expect([...decodeRle(encodeRle(bits), bits.length)]).toEqual(bits);
    }
    expect(encodeRle([1, 1, 0])).toEqual([0, 2, 1]);
  });

  it('refuses runs that do not cover the mask', () => {
    expect(() => decodeRle([1, 2], 5)).toThrow(/covers 3/);
  });
});
