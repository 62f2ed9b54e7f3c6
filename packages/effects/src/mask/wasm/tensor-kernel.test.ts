import { describe, expect, it } from 'vitest';
import { writeRgbTensor } from '../../segmentation/tensor.js';
import { createTensorKernel } from './tensor-kernel.js';

/** A deterministic picture (xorshift bytes). */
function picture(width: number, height: number, seed: number): Uint8ClampedArray {
  const out = new Uint8ClampedArray(width * height * 4);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < out.length; i++) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    out[i] = s & 255;
  }
  return out;
}

/** The tensor both ways into heaps with room around it; the two heaps' bits. */
function both(pixels: Uint8ClampedArray, width: number, height: number, mirrored: boolean) {
  const kernel = createTensorKernel();
  if (!kernel) throw new Error('the wasm kernels do not run here');
  const at = 7;
  const size = at + width * height * 3 + 5;
  const js = new Float32Array(size).fill(-1);
  const wasm = new Float32Array(size).fill(-1);
  writeRgbTensor(pixels, width, height, js, at, mirrored);
  kernel(pixels, width, height, wasm, at, mirrored);
  return { js: new Uint32Array(js.buffer), wasm: new Uint32Array(wasm.buffer) };
}

/** The first index where two bit arrays differ, or -1 (a failure names one place, not a 100 000-line diff). */
function firstDifference(a: Uint32Array, b: Uint32Array): number {
  if (a.length !== b.length) return Math.min(a.length, b.length);
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return i;
  return -1;
}

describe('createTensorKernel (writeRgbTensor in wasm)', () => {
  it('gives the same f32 bits as the JS for every byte value, in each channel', () => {
    // 256 pixels whose R, G and B are each every byte value (in three different orders).
    const pixels = new Uint8ClampedArray(256 * 4);
    for (let k = 0; k < 256; k++) pixels.set([k, 255 - k, (k * 7) & 255, 9], k * 4);
    for (const mirrored of [false, true]) {
      const { js, wasm } = both(pixels, 256, 1, mirrored);
      expect(firstDifference(wasm, js)).toBe(-1);
    }
  });

  it('matches the JS on the model sizes and on odd sizes (the scalar tail), plain and mirrored, heap around untouched', () => {
    for (const [w, h] of [
      [256, 144],
      [256, 256],
      [7, 3],
      [5, 1],
      [1, 1],
      [3, 2],
      [13, 4],
    ] as const) {
      for (const mirrored of [false, true]) {
        const { js, wasm } = both(picture(w, h, w * 31 + h), w, h, mirrored);
        // -1 stays at both ends (bits of f32 -1).
        expect(wasm[0]).toBe(0xbf800000);
        expect(wasm[wasm.length - 1]).toBe(0xbf800000);
        expect(firstDifference(wasm, js), `${w}x${h} mirrored ${mirrored}`).toBe(-1);
      }
    }
  });

  it('mirrors each row: the mirrored tensor of a picture is the tensor of the picture mirrored', () => {
    const w = 9;
    const h = 2;
    const pixels = picture(w, h, 5);
    const flipped = new Uint8ClampedArray(pixels.length);
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++)
        flipped.set(pixels.subarray((y * w + x) * 4, (y * w + x) * 4 + 4), (y * w + (w - 1 - x)) * 4);
    expect(firstDifference(both(pixels, w, h, true).wasm, both(flipped, w, h, false).wasm)).toBe(-1);
  });

  it('refuses a picture of the wrong size and a heap too small, as the JS does', () => {
    const kernel = createTensorKernel()!;
    expect(() => kernel(new Uint8ClampedArray(10), 2, 2, new Float32Array(12), 0)).toThrow(
      /size does not match/,
    );
    expect(() => kernel(new Uint8ClampedArray(16), 2, 2, new Float32Array(11), 0)).toThrow(/heap too small/);
    expect(() => kernel(new Uint8ClampedArray(16), 2, 2, new Float32Array(12), -1)).toThrow(/heap too small/);
  });

  it('grows its memory for a larger picture after a smaller one', () => {
    const kernel = createTensorKernel()!;
    const small = picture(4, 4, 1);
    const large = picture(512, 512, 2);
    const heapSmall = new Float32Array(48);
    const heapLarge = new Float32Array(512 * 512 * 3);
    kernel(small, 4, 4, heapSmall, 0);
    kernel(large, 512, 512, heapLarge, 0);
    const js = new Float32Array(512 * 512 * 3);
    writeRgbTensor(large, 512, 512, js, 0);
    expect(firstDifference(new Uint32Array(heapLarge.buffer), new Uint32Array(js.buffer))).toBe(-1);
  });
});
