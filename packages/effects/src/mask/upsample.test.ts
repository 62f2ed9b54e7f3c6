import { describe, expect, it } from 'vitest';
import { flatNeighbourhoods, jointBilateralUpsample, SURE_ENDS } from './upsample.js';

/** An RGBA image whose left part (x < edge * width) is black and the rest white. */
function split(width: number, height: number, edge: number): Uint8ClampedArray {
  const d = new Uint8ClampedArray(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const v = (x + 0.5) / width < edge ? 0 : 255;
      d.set([v, v, v, 255], (y * width + x) * 4);
    }
  }
  return d;
}

describe('jointBilateralUpsample', () => {
  it('keeps a flat mask flat', () => {
    const mask = new Float32Array(16).fill(0.7);
    const out = jointBilateralUpsample({
      mask,
      maskWidth: 4,
      maskHeight: 4,
      guideLow: split(4, 4, 0.5),
      guideHigh: split(16, 16, 0.5),
      width: 16,
      height: 16,
    });
    for (const v of out) expect(v).toBeCloseTo(0.7, 5);
  });

  it('snaps a blurry mask edge to the image edge', () => {
    // The model says "person" on the left half but with a soft ramp; the picture has a hard edge at 0.5.
    const mw = 8;
    const mask = new Float32Array(mw * 2);
    for (let y = 0; y < 2; y++)
      for (let x = 0; x < mw; x++) mask[y * mw + x] = [1, 1, 1, 0.7, 0.3, 0, 0, 0][x]!;
    const width = 64;
    const out = jointBilateralUpsample({
      mask,
      maskWidth: mw,
      maskHeight: 2,
      guideLow: split(mw, 2, 0.5),
      guideHigh: split(width, 8, 0.5),
      width,
      height: 8,
    });
    const row = [...out.slice(3 * width, 4 * width)];
    // Across the image edge the mask jumps (a plain bilinear upsample moves ~0.05 per output pixel here),
    // and samples from the far side of the edge are left out.
    expect(row[31]! - row[32]!).toBeGreaterThan(0.35);
    expect(row[30]!).toBeGreaterThan(0.75);
    expect(row[33]!).toBeLessThan(0.25);
  });

  it('a 5x5 kernel also snaps to the edge', () => {
    const mw = 8;
    const mask = new Float32Array(mw * 4);
    for (let y = 0; y < 4; y++)
      for (let x = 0; x < mw; x++) mask[y * mw + x] = [1, 1, 1, 0.7, 0.3, 0, 0, 0][x]!;
    const width = 64;
    const out = jointBilateralUpsample({
      mask,
      maskWidth: mw,
      maskHeight: 4,
      guideLow: split(mw, 4, 0.5),
      guideHigh: split(width, 16, 0.5),
      width,
      height: 16,
      radius: 2,
    });
    const row = [...out.slice(8 * width, 9 * width)];
    expect(row[31]! - row[32]!).toBeGreaterThan(0.35);
  });

  it('rejects mismatched sizes', () => {
    expect(() =>
      jointBilateralUpsample({
        mask: new Float32Array(3),
        maskWidth: 2,
        maskHeight: 2,
        guideLow: new Uint8ClampedArray(16),
        guideHigh: new Uint8ClampedArray(16),
        width: 2,
        height: 2,
      }),
    ).toThrow(RangeError);
  });
});

describe('flatNeighbourhoods', () => {
  it('marks exactly the pixels whose clipped (2r+1)^2 window spans under 0.02', () => {
    const mw = 23;
    const mh = 13;
    let seed = 7;
    const mask = new Float32Array(mw * mh);
    for (let i = 0; i < mask.length; i++) {
      seed = (seed * 1103515245 + 12345) >>> 0;
      // Mostly flat areas (0 or 1, tiny noise) with a few uncertain pixels.
      const r = (seed >>> 8) / 2 ** 24;
      mask[i] = r < 0.1 ? r * 10 : (i % mw < 11 ? 0 : 1) + (r - 0.5) * 0.01;
    }
    for (const r of [1, 2]) {
      const want: number[] = [];
      for (let y = 0; y < mh; y++)
        for (let x = 0; x < mw; x++) {
          let lo = 1;
          let hi = 0;
          for (let j = Math.max(0, y - r); j <= Math.min(mh - 1, y + r); j++)
            for (let i = Math.max(0, x - r); i <= Math.min(mw - 1, x + r); i++) {
              lo = Math.min(lo, mask[j * mw + i]!);
              hi = Math.max(hi, mask[j * mw + i]!);
            }
          want.push(hi - lo < 0.02 ? 1 : 0);
        }
      const got = Array.from(flatNeighbourhoods(mask, mw, mh, r));
      expect(got).toEqual(want);
      expect(got.includes(0) && got.includes(1)).toBe(true);
    }
  });

  it('with `sure`, also marks the windows all at most `below` or all at least `above`', () => {
    const mw = 9;
    const mh = 1;
    // Background that wavers (0.05..0.2, spans over 0.02), an edge, then a person that wavers (0.8..0.95).
    const mask = Float32Array.from([0.05, 0.2, 0.1, 0.15, 0.5, 0.85, 0.95, 0.8, 0.9]);
    const plain = Array.from(flatNeighbourhoods(mask, mw, mh, 1));
    expect(plain).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0]);
    const sure = Array.from(flatNeighbourhoods(mask, mw, mh, 1, SURE_ENDS));
    // Windows of three: [0..2] all <= 0.25 -> flat; those touching the 0.5 are not; the person's are.
    expect(sure).toEqual([1, 1, 1, 0, 0, 0, 1, 1, 1]);
  });

  it('gives the alpha the full weighting gives where a window is all background or all person', () => {
    // A wavering background: the copied centre value and the weighted mean both stay under EDGE.low.
    const mw = 8;
    const mh = 6;
    const mask = new Float32Array(mw * mh).map((_, i) => 0.02 + ((i * 7) % 10) / 50);
    const guideLow = new Uint8ClampedArray(mw * mh * 4).map((_, i) => (i * 37) % 256);
    const guideHigh = new Uint8ClampedArray(16 * 12 * 4).map((_, i) => (i * 53) % 256);
    const out = jointBilateralUpsample({
      mask,
      maskWidth: mw,
      maskHeight: mh,
      guideLow,
      guideHigh,
      width: 16,
      height: 12,
      radius: 2,
    });
    for (const v of out) expect(v).toBeLessThanOrEqual(SURE_ENDS.below);
  });
});
