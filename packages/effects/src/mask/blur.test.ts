import { describe, expect, it } from 'vitest';
import { boxRadius, maskWeightedBlur } from './blur.js';

function image(width: number, height: number, f: (x: number, y: number) => number): Uint8ClampedArray {
  const d = new Uint8ClampedArray(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const v = f(x, y);
      d.set([v, v, v, 255], (y * width + x) * 4);
    }
  }
  return d;
}

describe('maskWeightedBlur', () => {
  it('picks a box radius that grows with sigma', () => {
    expect(boxRadius(0.1)).toBe(0);
    expect(boxRadius(4)).toBeGreaterThan(boxRadius(2));
  });

  it('keeps a flat image flat', () => {
    const out = maskWeightedBlur({
      rgba: image(20, 10, () => 90),
      alpha: new Uint8Array(200),
      width: 20,
      height: 10,
      sigma: 3,
    });
    for (let i = 0; i < out.length; i += 4) expect(out[i]).toBe(90);
  });

  it('smooths a checkerboard', () => {
    const out = maskWeightedBlur({
      rgba: image(32, 32, (x, y) => ((x + y) % 2 ? 255 : 0)),
      alpha: new Uint8Array(32 * 32),
      width: 32,
      height: 32,
      sigma: 3,
    });
    for (let i = 0; i < out.length; i += 4) expect(Math.abs(out[i]! - 127.5)).toBeLessThan(12);
  });

  it('does not bleed the person into the background (no halo)', () => {
    // A white person (alpha 255) on the left half, a black background on the right.
    const w = 40;
    const h = 8;
    const rgba = image(w, h, (x) => (x < 20 ? 255 : 0));
    const alpha = new Uint8Array(w * h).map((_, i) => (i % w < 20 ? 255 : 0));
    const out = maskWeightedBlur({ rgba, alpha, width: w, height: h, sigma: 4 });
    const plain = maskWeightedBlur({ rgba, alpha: new Uint8Array(w * h), width: w, height: h, sigma: 4 });
    const at = (d: Uint8ClampedArray, x: number) => d[(4 * w + x) * 4]!;
    // Right next to the person, the weighted blur stays background-black; the plain blur is grey.
    expect(at(out, 21)).toBeLessThan(5);
    expect(at(plain, 21)).toBeGreaterThan(60);
  });

  it('rejects mismatched sizes', () => {
    expect(() =>
      maskWeightedBlur({
        rgba: new Uint8ClampedArray(8),
        alpha: new Uint8Array(3),
        width: 2,
        height: 1,
        sigma: 1,
      }),
    ).toThrow(RangeError);
  });
});
