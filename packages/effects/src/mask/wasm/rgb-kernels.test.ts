import { describe, expect, it } from 'vitest';
import { i420ToRgba, packedRgbToI420, type RgbOrder } from '../rgb-i420.js';
import { BT601, BT709, createI420, i420Bytes, i420View, type YuvColour } from '../yuv.js';
import { bytes, differences, textured } from './test-inputs.js';
import { createWasmKernels, type WasmKernels } from './wasm-kernels.js';

const COLOURS: [string, YuvColour][] = [
  ['bt601', BT601],
  ['bt709', BT709],
  ['bt709 full range', { ...BT709, fullRange: true }],
];

function kernels(): WasmKernels {
  const k = createWasmKernels();
  if (!k) throw new Error('the wasm kernels do not run here');
  return k;
}

/** Seeded packed pixels: every byte value occurs (noise), rows `stride` bytes apart. */
function fill(target: Uint8Array, seed: number): void {
  const next = bytes(seed);
  for (let i = 0; i < target.length; i++) target[i] = next();
}

/** The first index where two byte arrays differ, or -1 (a failure names one place, not a 100 000-line diff). */
function firstDifference(a: Uint8Array | Uint8ClampedArray, b: Uint8Array | Uint8ClampedArray): number {
  if (a.length !== b.length) return Math.min(a.length, b.length);
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return i;
  return -1;
}

const SIZES: [number, number][] = [
  [1, 1],
  [2, 2],
  [3, 3],
  [4, 2],
  [5, 4],
  [4, 5],
  [6, 7],
  [17, 9],
  [64, 48],
  [321, 241],
  [640, 480],
];

describe('wasm rgbToI420 (rgb-i420.ts packedRgbToI420, the same bytes)', () => {
  it('matches the JS on even and odd sizes, both byte orders, every colour space', () => {
    for (const [w, h] of SIZES)
      for (const [name, colour] of COLOURS)
        for (const order of ['rgb', 'bgr'] as RgbOrder[]) {
          const k = kernels();
          const { rgb } = k.frameArea(w, h, w, h);
          fill(rgb, w * 31 + h);
          const wasm = k.pictures(w, h).src;
          expect(k.rgbToI420(rgb, w * 4, order, wasm, colour)).toBe(true);
          const js = packedRgbToI420(rgb, w * 4, order, createI420(w, h), colour);
          expect(differences(wasm, js), `${w}x${h} ${name} ${order}`).toEqual([]);
        }
  });

  it('reads rows a wider stride apart, and writes into the frame area full picture without touching the pixels', () => {
    const [w, h, stride] = [37, 11, 48 * 4];
    const k = kernels();
    // A frame area 48 pixels wide holds 37-pixel rows 48 x 4 bytes apart.
    const { rgb } = k.frameArea(48, h, 8, 4);
    fill(rgb, 5);
    const before = rgb.slice();
    const full = k.frameArea(48, h, 8, 4).full;
    // A 37-wide picture over the first bytes of the 48-wide one, in the kernel's memory.
    const wasm = i420View(full.data.subarray(0, i420Bytes(w, h)), w, h);
    expect(k.rgbToI420(rgb, stride, 'bgr', wasm, BT709)).toBe(true);
    const js = packedRgbToI420(rgb, stride, 'bgr', createI420(w, h), BT709);
    expect(differences(wasm, js)).toEqual([]);
    expect(firstDifference(rgb, before)).toBe(-1);
  });

  it('declines pixels or pictures outside its memory, and refuses pixels that do not cover the picture', () => {
    const k = kernels();
    const inside = k.frameArea(8, 8, 8, 8).rgb;
    const outside = new Uint8Array(8 * 8 * 4);
    expect(k.rgbToI420(outside, 32, 'rgb', k.pictures(8, 8).src, BT709)).toBe(false);
    expect(k.rgbToI420(inside, 32, 'rgb', createI420(8, 8), BT709)).toBe(false);
    expect(() => k.rgbToI420(inside, 28, 'rgb', k.pictures(8, 8).src, BT709)).toThrow(RangeError);
    expect(() => k.rgbToI420(inside.subarray(4), 32, 'rgb', k.pictures(8, 8).src, BT709)).toThrow(RangeError);
  });

  it('frameArea grows the memory for a larger frame and lays the pictures out anew', () => {
    const k = kernels();
    const small = k.pictures(16, 16);
    const area = k.frameArea(1280, 720, 16, 16);
    // The old views detached with the growth; pictures() gives the new ones, and the area is stable.
    expect(small.src.data.byteLength).toBe(0);
    const again = k.pictures(16, 16);
    expect(again.src.data.byteLength).toBeGreaterThan(0);
    expect(k.frameArea(1280, 720, 16, 16)).toBe(area);
    expect(area.rgb.length).toBe(1280 * 720 * 4);
    // The area lies past the pictures and the scratch: writing it leaves the pictures alone.
    again.src.data.fill(7);
    area.rgb.fill(200);
    area.full.data.fill(100);
    expect(again.src.data.every((b) => b === 7)).toBe(true);
  });
});

describe('wasm i420ToRgba (rgb-i420.ts i420ToRgba, the same bytes)', () => {
  it('matches the JS on even and odd sizes, every colour space', () => {
    for (const [w, h] of SIZES)
      for (const [name, colour] of COLOURS) {
        const k = kernels();
        const picture = textured(w, h, w + 7 * h);
        // Extremes too: full-scale chroma and luma make the clamps work.
        picture.y[0] = 0;
        picture.y[picture.y.length - 1] = 255;
        picture.u[0] = 255;
        picture.v[picture.v.length - 1] = 0;
        const src = k.pictures(w, h).out;
        src.data.set(picture.data);
        const wasm = new Uint8ClampedArray(w * h * 4);
        expect(k.i420ToRgba(src, colour, wasm)).toBe(true);
        const js = i420ToRgba(picture, colour, new Uint8ClampedArray(w * h * 4));
        expect(firstDifference(wasm, js), `${w}x${h} ${name}`).toBe(-1);
      }
  });

  it('declines a picture outside its memory and refuses an output of the wrong size', () => {
    const k = kernels();
    expect(k.i420ToRgba(createI420(4, 4), BT709, new Uint8ClampedArray(64))).toBe(false);
    expect(() => k.i420ToRgba(k.pictures(4, 4).out, BT709, new Uint8ClampedArray(60))).toThrow(RangeError);
  });
});
