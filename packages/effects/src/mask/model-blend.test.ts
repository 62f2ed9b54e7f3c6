import { describe, expect, it } from 'vitest';
import { blendOnto } from './model-blend.js';

describe('blendOnto', () => {
  it('averages two masks on the same grid', () => {
    const target = { data: new Float32Array([1, 0, 0.5, 0.2]), width: 2, height: 2 };
    const other = { data: new Float32Array([0, 0, 0.5, 1]), width: 2, height: 2 };
    const out = Array.from(blendOnto(target, other));
    for (const [i, v] of [0.5, 0, 0.5, 0.6].entries()) expect(out[i]).toBeCloseTo(v, 6);
  });
  it('resamples a wider grid onto a taller one (bilinear, centres aligned, edges clamped)', () => {
    // 2 rows of the other grid (top all 1, bottom all 0) onto 4 rows: 1, 0.75, 0.25, 0.
    const other = { data: new Float32Array([1, 1, 0, 0]), width: 2, height: 2 };
    const target = { data: new Float32Array(8).fill(0.5), width: 2, height: 4 };
    const out = Array.from(blendOnto(target, other, 1));
    const rows = [0, 2, 4, 6].map((i) => out[i]!);
    expect(rows[0]).toBeCloseTo(1, 6);
    expect(rows[1]).toBeCloseTo(0.75, 6);
    expect(rows[2]).toBeCloseTo(0.25, 6);
    expect(rows[3]).toBeCloseTo(0, 6);
    // Columns of a constant row stay constant.
    expect(out[1]).toBeCloseTo(out[0]!, 6);
  });
  it('keeps a constant mask constant across grids', () => {
    const other = { data: new Float32Array(256 * 144).fill(0.8), width: 256, height: 144 };
    const target = { data: new Float32Array(256 * 256).fill(0.2), width: 256, height: 256 };
    const out = blendOnto(target, other);
    expect(Math.min(...out)).toBeCloseTo(0.5, 5);
    expect(Math.max(...out)).toBeCloseTo(0.5, 5);
  });
  it('refuses buffers that do not match their sizes', () => {
    const ok = { data: new Float32Array(4), width: 2, height: 2 };
    expect(() => blendOnto(ok, { data: new Float32Array(3), width: 2, height: 2 })).toThrow(RangeError);
    expect(() => blendOnto({ data: new Float32Array(3), width: 2, height: 2 }, ok)).toThrow(RangeError);
  });
});
