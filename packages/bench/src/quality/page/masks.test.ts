import { describe, expect, it } from 'vitest';
import { maskFromKeyed, upsampleThreshold } from './masks.js';

describe('upsampleThreshold', () => {
  it('keeps a half/half map split in the middle', () => {
    const out = upsampleThreshold(new Float32Array([0, 1, 0, 1]), 2, 2, 8, 2);
    expect([...out.slice(0, 8)]).toEqual([0, 0, 0, 0, 1, 1, 1, 1]);
  });
});

describe('maskFromKeyed', () => {
  const key = [0, 255, 0];
  it('reads alpha from the blend with the key colour', () => {
    const original = new Uint8ClampedArray([200, 50, 50, 255, 200, 50, 50, 255, 200, 50, 50, 255]);
    // alpha 1, 0.6, 0.3
    const blend = (a: number) => [200 * a, 50 * a + 255 * (1 - a), 50 * a, 255];
    const output = new Uint8ClampedArray([...blend(1), ...blend(0.6), ...blend(0.3)]);
    expect([...maskFromKeyed(output, original, key)]).toEqual([1, 1, 0]);
  });
});
