import { describe, expect, it } from 'vitest';
import { averageIntoMirrored, mirrorRgba } from './mirror.js';

describe('mirrorRgba', () => {
  it('reverses each row, keeping each pixel’s four channels together', () => {
    // 3x2: pixel value = index, channels i, i+10, i+20, 255.
    const px = new Uint8ClampedArray(3 * 2 * 4);
    for (let i = 0; i < 6; i++) px.set([i, i + 10, i + 20, 255], i * 4);
    const m = mirrorRgba(px, 3, 2);
    expect(Array.from(m.subarray(0, 4))).toEqual([2, 12, 22, 255]);
    expect(Array.from(m.subarray(8, 12))).toEqual([0, 10, 20, 255]);
    expect(Array.from(m.subarray(12, 16))).toEqual([5, 15, 25, 255]);
    expect(Array.from(mirrorRgba(m, 3, 2))).toEqual(Array.from(px));
  });
  it('refuses a buffer of the wrong size', () => {
    expect(() => mirrorRgba(new Uint8ClampedArray(8), 3, 1)).toThrow(RangeError);
  });
});

describe('averageMirrored', () => {
  it('averages with the mirrored output flipped back', () => {
    const mask = new Float32Array([1, 0, 0, 1, 1, 1]);
    // The model saw the mirrored picture: its output is mirrored too.
    const mirrored = new Float32Array([0, 0, 0, 1, 0, 0]);
    expect(Array.from(averageMirrored(mask, mirrored, 3, 2))).toEqual([0.5, 0, 0, 0.5, 0.5, 1]);
  });
  it('leaves a mask the mirrored pass agrees with unchanged', () => {
    const mask = new Float32Array([0.2, 0.9, 0.4, 0.1]);
    const mirrored = new Float32Array([0.9, 0.2, 0.1, 0.4]);
    const expected = Array.from(mask);
    const out = Array.from(averageMirrored(mask, mirrored, 2, 2));
    for (const [i, v] of out.entries()) expect(v).toBeCloseTo(expected[i]!, 6);
  });
});

describe('averageIntoMirrored', () => {
  for (const [width, height] of [
    [256, 144],
    [7, 3],
    [1, 2],
  ] as const) {
    it(`gives averageMirrored's f32 bits at ${width}x${height}, into the mirrored output, keeping the mask`, () => {
      let s = width * 31 + height;
      const random = () => {
        s = (Math.imul(s, 1103515245) + 12345) >>> 0;
        return s / 2 ** 32;
      };
      const mask = Float32Array.from({ length: width * height }, random);
      const mirrored = Float32Array.from({ length: width * height }, random);
      const keptMask = mask.slice();
      const want = averageMirrored(mask.slice(), mirrored.slice(), width, height);
      const got = averageIntoMirrored(mask, mirrored, width, height);
      expect(got).toBe(mirrored);
      expect(Array.from(new Uint32Array(got.buffer))).toEqual(Array.from(new Uint32Array(want.buffer)));
      expect(Array.from(mask)).toEqual(Array.from(keptMask));
    });
  }
  it('refuses sizes that do not match', () => {
    expect(() => averageIntoMirrored(new Float32Array(4), new Float32Array(3), 2, 2)).toThrow(RangeError);
  });
});

/**
 * The reference: `mask` averaged in place with `mirrored` flipped back, one pixel at a time (what the engine
 * did before averageIntoMirrored; the test's oracle).
 */
function averageMirrored(
  mask: Float32Array,
  mirrored: Float32Array,
  width: number,
  height: number,
): Float32Array {
  if (mask.length !== width * height || mirrored.length !== mask.length)
    throw new RangeError('averageMirrored: sizes do not match');
  for (let y = 0; y < height; y++) {
    const row = y * width;
    for (let x = 0; x < width; x++) mask[row + x] = (mask[row + x]! + mirrored[row + width - 1 - x]!) / 2;
  }
  return mask;
}
