import { describe, expect, it } from 'vitest';
import { hasWasmSimd } from '../../features.js';
import { maskWeightedBlur } from '../blur.js';
import { createI420, downsampleI420, downsamplePacked, downsamplePlane } from '../yuv.js';
import { compositeI420, type YuvCompositeInput } from '../yuv-composite.js';
import { KERNELS_WASM_BASE64 } from './kernels-bytes.js';
import { bytes, differences, personAlpha, small, textured } from './test-inputs.js';
import { createWasmKernels } from './wasm-kernels.js';

// Sizes as the YUV back end meets them: the camera's picture, the alpha at the working size, and the blur's
// small background; 641x357 has odd sides (odd chroma) and widths that are not multiples of 16.
const CASES = [
  { w: 1280, h: 720, aw: 384, ah: 216, sw: 148, sh: 83 },
  { w: 640, h: 480, aw: 384, ah: 288, sw: 80, sh: 60 },
  { w: 641, h: 357, aw: 383, ah: 213, sw: 33, sh: 17 },
  // Alpha wider than the picture's chroma, a background wider than the picture's chroma (scaled down).
  { w: 97, h: 31, aw: 61, ah: 29, sw: 70, sh: 5 },
  // Backgrounds nearly as wide as the luma (16 outputs spanning about 14 and 16 of its samples: the widened row
  // by swizzles and, past 15, one sample at a time) and wider than the chroma.
  { w: 160, h: 18, aw: 96, ah: 18, sw: 128, sh: 9 },
  { w: 160, h: 18, aw: 96, ah: 18, sw: 152, sh: 9 },
];

describe.skipIf(!hasWasmSimd())('wasm SIMD kernels: composite', () => {
  const kernel = createWasmKernels()!;

  it('starts in Node (SIMD is there), from a module with no data of its own in memory', () => {
    expect(kernel).not.toBeNull();
    // kernel-memory.ts lays its pictures out from 64 KiB up (BASE): the module must not keep anything there.
    const module = new WebAssembly.Module(Buffer.from(KERNELS_WASM_BASE64, 'base64'));
    const exports = new WebAssembly.Instance(module, {}).exports as { memory: WebAssembly.Memory };
    expect(exports.memory.buffer.byteLength).toBe(0);
    expect(WebAssembly.Module.imports(module)).toEqual([]);
  });

  for (const { w, h, aw, ah, sw, sh } of CASES) {
    it(`writes the same bytes as compositeI420 at ${w}x${h} (alpha ${aw}x${ah}, background ${sw}x${sh})`, () => {
      const src = textured(w, h, w + h);
      const alpha = personAlpha(aw, ah, aw);
      const background = { kind: 'small' as const, pixels: small(sw, sh, sw), width: sw, height: sh };
      for (const a of [alpha, null]) {
        const input: Omit<YuvCompositeInput, 'out'> = {
          src,
          alpha: a,
          alphaWidth: a ? aw : 0,
          alphaHeight: a ? ah : 0,
          background,
        };
        const expected = compositeI420({ ...input, out: createI420(w, h) });
        // Pictures from elsewhere: copied in and out.
        const copied = createI420(w, h);
        expect(kernel.composite({ ...input, out: copied })).toBe(true);
        expect(differences(copied, expected)).toEqual([]);
        // Pictures in the kernel's memory: no copy.
        const { src: inSrc, out: inOut } = kernel.pictures(w, h);
        inSrc.data.set(src.data);
        inOut.data.fill(0);
        expect(kernel.composite({ ...input, src: inSrc, out: inOut })).toBe(true);
        expect(differences(inOut, expected)).toEqual([]);
      }
    });
  }

  it('is tested on inputs where every run kind occurs (copy, background, blend)', () => {
    // Guards the test above against a case that would pass with a kernel that only copies or only blends.
    const { w, h, aw, ah, sw, sh } = CASES[0]!;
    const src = textured(w, h, 1);
    const input = {
      src,
      alpha: personAlpha(aw, ah, aw),
      alphaWidth: aw,
      alphaHeight: ah,
      background: { kind: 'small' as const, pixels: small(sw, sh, sw), width: sw, height: sh },
    };
    const out = compositeI420({ ...input, out: createI420(w, h) });
    let same = 0;
    let other = 0;
    for (let i = 0; i < out.y.length; i++) out.y[i] === src.y[i] ? same++ : other++;
    expect(same).toBeGreaterThan(out.y.length / 10);
    expect(other).toBeGreaterThan(out.y.length / 10);
  });

  it('lays its memory out anew for a new size, and checks its inputs', () => {
    const a = kernel.pictures(320, 180);
    expect(kernel.pictures(320, 180)).toBe(a);
    const b = kernel.pictures(1920, 1080);
    expect(b.src.width).toBe(1920);
    expect(b.out.data.length).toBe(1920 * 1080 * 1.5);
    const src = textured(64, 32, 5);
    const base = { src, alpha: new Uint8Array(16 * 8).fill(255), alphaWidth: 16, alphaHeight: 8 };
    const out = createI420(64, 32);
    expect(() =>
      kernel.composite({
        ...base,
        background: { kind: 'small', pixels: new Uint8ClampedArray(3), width: 1, height: 1 },
        out,
      }),
    ).toThrow(/background size/);
  });
});

// The guide pass's sizes: the working size at each refineScale, the model's input, a chroma scaled up (640x480's
// 320x240 to 384x288), odd sides and widths that are not multiples of 16.
const BOX_CASES = [
  { w: 1280, h: 720, ow: 384, oh: 216 },
  { w: 1280, h: 720, ow: 192, oh: 108 },
  { w: 1280, h: 720, ow: 256, oh: 144 },
  { w: 640, h: 480, ow: 384, oh: 288 },
  { w: 641, h: 357, ow: 383, oh: 213 },
  { w: 641, h: 357, ow: 148, oh: 83 },
  { w: 97, h: 31, ow: 61, oh: 29 },
];

describe.skipIf(!hasWasmSimd())('wasm SIMD kernels: box average (downsampleI420)', () => {
  const kernel = createWasmKernels()!;

  for (const { w, h, ow, oh } of BOX_CASES) {
    it(`writes the same bytes as downsampleI420 from ${w}x${h} to ${ow}x${oh}`, () => {
      const src = textured(w, h, w * 3 + ow);
      const expected = downsampleI420(src, ow, oh);
      const fromElsewhere = new Uint8ClampedArray(ow * oh * 4);
      expect(kernel.downsampleI420(src, ow, oh, fromElsewhere)).toBe(true);
      const inPlace = new Uint8ClampedArray(ow * oh * 4);
      const { src: mine } = kernel.pictures(w, h);
      mine.data.set(src.data);
      expect(kernel.downsampleI420(mine, ow, oh, inPlace)).toBe(true);
      for (const got of [fromElsewhere, inPlace]) {
        let differing = 0;
        let first = '';
        for (let i = 0; i < got.length; i++)
          if (got[i] !== expected[i]) {
            if (!first) first = `pixel ${i >> 2} byte ${i & 3}: ${got[i]} vs ${expected[i]}`;
            differing++;
          }
        expect(first).toBe('');
        expect(differing).toBe(0);
      }
      // The last pixel (bottom-right corner) carries the picture's own corner region, not zeros.
      expect(expected[expected.length - 4]).toBeGreaterThan(0);
    });
  }

  it('declines a box over 257 rows (its u16 sums), which the JS kernel then does', () => {
    const src = textured(64, 600, 9);
    expect(kernel.downsampleI420(src, 32, 2, new Uint8ClampedArray(32 * 2 * 4))).toBe(false);
    expect(() => kernel.downsampleI420(src, 32, 2, new Uint8ClampedArray(5))).toThrow(/size does not match/);
  });
});

describe.skipIf(!hasWasmSimd())('wasm SIMD kernels: mask-weighted blur', () => {
  const kernel = createWasmKernels()!;
  kernel.pictures(1280, 720);

  // The blur's sizes at 720p and 640x480 (blurWorkScale), odd sides, one pixel high, and radii from 0 (no
  // pass) to wider than the picture (every sample clamped at both ends).
  const cases = [
    { w: 148, h: 83, sigma: 4.2 },
    { w: 80, h: 60, sigma: 3 },
    { w: 33, h: 17, sigma: 9 },
    { w: 7, h: 1, sigma: 2 },
    { w: 148, h: 83, sigma: 0.3 },
    { w: 64, h: 36, sigma: 40 },
  ];
  for (const { w, h, sigma } of cases) {
    it(`writes the same bytes as maskWeightedBlur at ${w}x${h}, sigma ${sigma}`, () => {
      const next = bytes(w * h + Math.round(sigma * 10));
      const rgba = new Uint8ClampedArray(w * h * 4).map(next);
      // Person on the right half, noisy alpha on the left: both branches of the final division (weight above
      // and below 0.02) occur.
      const alpha = new Uint8Array(w * h);
      for (let i = 0; i < alpha.length; i++) alpha[i] = i % w > w / 2 ? 255 : i % 5 === 0 ? next() : 0;
      const expected = maskWeightedBlur({ rgba, alpha, width: w, height: h, sigma });
      // In place (out = rgba), as the compositor calls it.
      const copy = rgba.slice();
      const got = kernel.maskWeightedBlur({ rgba: copy, alpha, width: w, height: h, sigma, out: copy });
      expect(got).toBe(copy);
      let differing = 0;
      for (let i = 0; i < expected.length; i++) if (got![i] !== expected[i]) differing++;
      expect(differing).toBe(0);
      if (w > 10) expect(expected).not.toEqual(rgba);
    });
  }
});

describe.skipIf(!hasWasmSimd())('wasm SIMD kernels: box average of packed pixels and of a plane', () => {
  const kernel = createWasmKernels()!;
  kernel.pictures(1280, 720);

  // The guide (384x216, 384x288, 192x108) to the model's input and to the blur's grids; odd sizes; a
  // picture scaled up.
  const cases = [
    { w: 384, h: 216, ow: 256, oh: 144 },
    { w: 384, h: 216, ow: 148, oh: 83 },
    { w: 384, h: 288, ow: 256, oh: 144 },
    { w: 192, h: 108, ow: 148, oh: 83 },
    { w: 383, h: 213, ow: 33, oh: 17 },
    { w: 61, h: 29, ow: 97, oh: 31 },
  ];
  for (const { w, h, ow, oh } of cases) {
    it(`writes the same bytes as downsamplePacked and downsamplePlane from ${w}x${h} to ${ow}x${oh}`, () => {
      const next = bytes(w * 7 + ow);
      const pixels = new Uint8ClampedArray(w * h * 4).map(next);
      const plane = new Uint8Array(w * h).map(next);
      const packed = new Uint8ClampedArray(ow * oh * 4);
      const small = new Uint8Array(ow * oh);
      expect(kernel.downsamplePacked(pixels, w, h, ow, oh, packed)).toBe(true);
      expect(kernel.downsamplePlane(plane, w, h, ow, oh, small)).toBe(true);
      const expectedPacked = downsamplePacked(pixels, w, h, ow, oh);
      const expectedPlane = downsamplePlane(plane, w, h, ow, oh);
      let differing = 0;
      for (let i = 0; i < packed.length; i++) if (packed[i] !== expectedPacked[i]) differing++;
      for (let i = 0; i < small.length; i++) if (small[i] !== expectedPlane[i]) differing++;
      expect(differing).toBe(0);
    });
  }
  it('rounds a box average that is exactly k + 0.5 half to even, as the JS (four at a time and one at a time)', () => {
    // 2x2 boxes (n = 4) whose sums are 2, 6, 10 and 1018: averages 0.5, 1.5, 2.5, 254.5; and a fifth box,
    // the one-at-a-time tail, at 3.5.
    const rows = [
      [1, 1, 1, 1, 2, 3, 255, 255, 3, 4],
      [0, 0, 1, 3, 3, 2, 254, 254, 3, 4],
    ];
    const plane = Uint8Array.from(rows.flat());
    const small = new Uint8Array(5);
    expect(kernel.downsamplePlane(plane, 10, 2, 5, 1, small)).toBe(true);
    expect(Array.from(small)).toEqual([0, 2, 2, 254, 4]);
    expect(Array.from(small)).toEqual(Array.from(downsamplePlane(plane, 10, 2, 5, 1)));
  });

  // A plane's narrow boxes are summed by swizzles from the 16 column sums at each four outputs' first column:
  // four boxes spanning 16 columns (the most that takes), 17 (the running-sum path), 9 (the upper eight in use)
  // and boxes of one column (a plane scaled up); with a tail of one to three outputs.
  for (const { w, ow } of [
    { w: 16, ow: 4 },
    { w: 17, ow: 4 },
    { w: 33, ow: 9 },
    { w: 9, ow: 4 },
    { w: 11, ow: 7 },
    { w: 5, ow: 14 },
  ]) {
    it(`gives the JS's bytes for a plane ${w}x3 to ${ow}x2 (four boxes spanning up to ${Math.ceil((4 * w) / ow)} columns)`, () => {
      const next = bytes(w * 31 + ow);
      const plane = new Uint8Array(w * 3).map(next);
      const small = new Uint8Array(ow * 2);
      expect(kernel.downsamplePlane(plane, w, 3, ow, 2, small)).toBe(true);
      expect(Array.from(small)).toEqual(Array.from(downsamplePlane(plane, w, 3, ow, 2)));
    });
  }

  // Boxes of n = rows x width near the f32 quotients' bound (n < 65536 runs four at a time; above, the f64 path).
  for (const { w, h, ow } of [
    { w: 1000, h: 65, ow: 1 },
    { w: 1000, h: 65, ow: 5 },
    { w: 1100, h: 65, ow: 1 },
    { w: 1100, h: 65, ow: 6 },
  ]) {
    it(`gives the JS's bytes for ${w}x${h} to ${ow}x1 (boxes of up to ${h * Math.ceil(w / ow)} samples)`, () => {
      const next = bytes(w + ow);
      const plane = new Uint8Array(w * h).map(next);
      const small = new Uint8Array(ow);
      expect(kernel.downsamplePlane(plane, w, h, ow, 1, small)).toBe(true);
      expect(Array.from(small)).toEqual(Array.from(downsamplePlane(plane, w, h, ow, 1)));
      const packed = new Uint8ClampedArray(ow * 4);
      const pixels = new Uint8ClampedArray(w * h * 4).map(next);
      expect(kernel.downsamplePacked(pixels, w, h, ow, 1, packed)).toBe(true);
      expect(Array.from(packed)).toEqual(Array.from(downsamplePacked(pixels, w, h, ow, 1)));
    });
  }
});
