import { describe, expect, it } from 'vitest';
import { mirrorRgba } from '../mask/mirror.js';
import { readPersonChannel, writeRgbTensor } from './tensor.js';

/** What the segmenter wrote before the lookup: each byte divided by 255, stored as f32. */
function divided(px: Uint8ClampedArray, width: number, height: number, heap: Float32Array, at: number) {
  for (let i = 0, j = at; i < width * height; i++, j += 3) {
    heap[j] = px[i * 4]! / 255;
    heap[j + 1] = px[i * 4 + 1]! / 255;
    heap[j + 2] = px[i * 4 + 2]! / 255;
  }
}

/** Seeded pixels covering every byte value in every channel. */
function pixels(width: number, height: number, seed: number): Uint8ClampedArray {
  const px = new Uint8ClampedArray(width * height * 4);
  let s = seed;
  for (let i = 0; i < px.length; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    px[i] = i < 1024 ? i >> 2 : s >>> 24;
  }
  return px;
}

/** The first index where two arrays' f32 bits differ (-1: none). */
function firstBitDifference(a: Float32Array, b: Float32Array): number {
  const x = new Uint32Array(a.buffer, a.byteOffset, a.length);
  const y = new Uint32Array(b.buffer, b.byteOffset, b.length);
  if (x.length !== y.length) return 0;
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return i;
  return -1;
}

describe('writeRgbTensor', () => {
  for (const [width, height] of [
    [256, 144],
    [256, 256],
    [17, 5],
    [1, 1],
  ] as const) {
    it(`gives the bits of byte / 255 at ${width}x${height}, at an offset, leaving the rest`, () => {
      const px = pixels(width, height, width * 7 + height);
      const at = 13;
      const want = new Float32Array(at + width * height * 3 + 5).fill(-1);
      const got = new Float32Array(want.length).fill(-1);
      divided(px, width, height, want, at);
      writeRgbTensor(px, width, height, got, at);
      expect(firstBitDifference(got, want)).toBe(-1);
    });
    it(`mirrored: the bits of the mirrored picture's tensor at ${width}x${height}`, () => {
      const px = pixels(width, height, width + height * 3);
      const want = new Float32Array(width * height * 3 + 2);
      const got = new Float32Array(want.length);
      divided(mirrorRgba(px, width, height), width, height, want, 2);
      writeRgbTensor(px, width, height, got, 2, true);
      expect(firstBitDifference(got, want)).toBe(-1);
    });
  }
  it('covers every byte value (the lookup is checked for all 256)', () => {
    const px = pixels(256, 1, 1);
    expect(new Set(Array.from(px.filter((_, i) => i % 4 === 0))).size).toBe(256);
  });
  it('refuses a wrong size or a heap too small', () => {
    expect(() => writeRgbTensor(new Uint8ClampedArray(8), 3, 1, new Float32Array(9), 0)).toThrow(RangeError);
    expect(() => writeRgbTensor(new Uint8ClampedArray(12), 3, 1, new Float32Array(9), 1)).toThrow(RangeError);
  });
});

describe('readPersonChannel', () => {
  it('copies a one-channel output and takes the last of several', () => {
    const heap = new Float32Array([9, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6]);
    expect(Array.from(readPersonChannel(heap, 1, 1, new Float32Array(3)))).toEqual(
      Array.from(new Float32Array([0.1, 0.2, 0.3])),
    );
    expect(Array.from(readPersonChannel(heap, 1, 2, new Float32Array(3)))).toEqual(
      Array.from(new Float32Array([0.2, 0.4, 0.6])),
    );
  });
});
