import { describe, expect, it } from 'vitest';
import { lightWrapAlpha } from './light-wrap.js';

describe('lightWrapAlpha', () => {
  // Person (255) on the left 20 columns of 40.
  const width = 40;
  const height = 10;
  const alpha = new Uint8Array(width * height).map((_, i) => (i % width < 20 ? 255 : 0));
  const wrap = lightWrapAlpha({ alpha, width, height, radius: 3, strength: 0.5 });
  const at = (x: number) => wrap[5 * width + x]!;

  it('is strongest just inside the edge', () => {
    expect(at(19)).toBeGreaterThan(100);
    expect(at(19)).toBeGreaterThanOrEqual(at(17));
  });
  it('is zero deep inside the person and on the background', () => {
    expect(at(5)).toBe(0);
    expect(at(25)).toBe(0);
  });
  it('reads the alpha channel of RGBA with stride and offset', () => {
    const rgba = new Uint8ClampedArray(width * height * 4);
    for (let i = 0; i < width * height; i++) rgba[i * 4 + 3] = alpha[i]!;
    const w2 = lightWrapAlpha({ alpha: rgba, stride: 4, offset: 3, width, height, radius: 3, strength: 0.5 });
    expect([...w2]).toEqual([...wrap]);
  });
});
