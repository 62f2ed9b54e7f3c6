import { describe, expect, it } from 'vitest';
import { hasWasmSimd } from '../../features.js';
import { BAND_REFINE, BAND_TILE, type BandRefineOptions, BandRefiner } from '../band-refine.js';
import { CpuRefiner, EDGE_LUT } from '../cpu-refiner.js';
import { smoothMaskInPlace } from '../smoothing.js';
import { jointBilateralUpsample } from '../upsample.js';
import { packedYuvToRgba, yuvColour } from '../yuv.js';
import { KERNELS_WASM_BASE64 } from './kernels-bytes.js';
import { createWasmKernels } from './wasm-kernels.js';

/** A seeded byte stream (the same inputs every run). */
function bytes(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return (s >>> 16) & 255;
  };
}

/**
 * The first few indices where two arrays differ, as "i: a vs b" (empty when equal). Comparing whole arrays
 * with toEqual would make a failure's diff of 100 000 elements, which takes minutes to print.
 */
function differences(a: ArrayLike<number>, b: ArrayLike<number>): string[] {
  const out: string[] = a.length === b.length ? [] : [`length ${a.length} vs ${b.length}`];
  for (let i = 0; i < Math.min(a.length, b.length) && out.length < 5; i++)
    if (a[i] !== b[i]) out.push(`${i}: ${a[i]} vs ${b[i]}`);
  return out;
}

/**
 * A camera-like RGBA guide: a "person" region of one colour family over a background of another, gradients,
 * noise, a colour edge that the alpha's outline misses by a few pixels, and the fourth byte 255.
 */
export function texturedGuide(w: number, h: number, seed: number, shift = 0): Uint8ClampedArray {
  const next = bytes(seed);
  const g = new Uint8ClampedArray(w * h * 4);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      const o = (y * w + x) * 4;
      const inside = Math.hypot(x - w / 2 - shift, (y - h) * 0.8) < h * 0.62;
      const n = next() & 31;
      g[o] = inside ? 150 + ((x + y) & 63) + n : 30 + ((x * 3) & 63) + n;
      g[o + 1] = inside ? 90 + (y & 31) + (n >> 1) : 120 + ((y * 5) & 63) + n;
      g[o + 2] = inside ? 60 + (n >> 2) : 170 - ((x + 2 * y) & 63) + n;
      g[o + 3] = 255;
    }
  return g;
}

/**
 * An alpha like the refinement's: a person (255) with a soft outline (ramp `ramp` pixels wide), background 0,
 * a noisy patch, a person touching the left, right and bottom borders, and a blob on the top border.
 */
export function personAlpha(w: number, h: number, seed: number, ramp = 6, shift = 0): Uint8Array {
  const next = bytes(seed);
  const a = new Uint8Array(w * h);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      const d = Math.hypot(x - w / 2 - shift, (y - h) * 0.8) - h * 0.6;
      let v = d < -ramp / 2 ? 255 : d > ramp / 2 ? 0 : Math.round(((ramp / 2 - d) / ramp) * 255);
      if (x < 3 || x >= w - 2) v = 255;
      if (y < h / 5 && x > w / 3 && x < w / 2) v = next();
      if (Math.hypot(x - w * 0.8, y) < Math.min(w, h) * 0.1) v = 200;
      a[y * w + x] = v;
    }
  return a;
}

// The refinement's working sizes (640x480 and 1280x720 at full quality), smaller levels' sizes, odd sizes,
// sizes under one tile and a picture one pixel wide.
const SIZES: [number, number][] = [
  [384, 288],
  [384, 216],
  [256, 144],
  [383, 213],
  [97, 31],
  [33, 17],
  [5, 70],
  [1, 1],
];

describe.skipIf(!hasWasmSimd())('wasm SIMD kernels: band refine', () => {
  const kernel = createWasmKernels()!;

  for (const [W, H] of SIZES)
    it(`gives the JS BandRefiner's bytes at ${W}x${H}`, () => {
      const js = new BandRefiner();
      const wasm = new BandRefiner(kernel);
      // Two frames (the person moved), so a refiner's reused buffers are exercised too.
      for (const shift of [0, 3]) {
        const input = {
          alpha: personAlpha(W, H, 7 + shift, 6, shift),
          guide: texturedGuide(W, H, 11 + shift, shift + 2),
          width: W,
          height: H,
        };
        const expected = js.refine(input).slice();
        const got = wasm.refine(input);
        expect(wasm.bandPixels).toBe(js.bandPixels);
        let diffs = 0;
        for (let i = 0; i < W * H; i++) if (got[i] !== expected[i]) diffs++;
        expect(diffs).toBe(0);
        if (W * H > 64 * 64) {
          // The inputs make both kinds of tile, and the filter changes the alpha (so the test can fail).
          expect(js.bandPixels).toBeGreaterThan(0);
          expect(js.bandPixels).toBeLessThan(W * H);
          let changed = 0;
          for (let i = 0; i < W * H; i++) if (expected[i] !== input.alpha[i]) changed++;
          expect(changed).toBeGreaterThan(100);
        }
      }
    }, 30_000);

  const OPTIONS: BandRefineOptions[] = [
    { radius: 1, eps: 10, centre: 0.5, softness: 0.5 },
    { radius: 3, eps: 0.5, centre: 0.4, softness: 0.05 },
    { radius: 12, eps: 400, centre: 0.6, softness: 0.2 },
    // A reach (4r) wider than a tile and than the 97x31 picture.
    { radius: 20, eps: 65, centre: 0.55, softness: 0.15 },
  ];
  for (const options of OPTIONS)
    it(`gives the same bytes with radius ${options.radius}, eps ${options.eps}`, () => {
      for (const [W, H] of [
        [384, 288],
        [97, 31],
      ] as const) {
        const input = { alpha: personAlpha(W, H, 3, 10), guide: texturedGuide(W, H, 5), width: W, height: H };
        const expected = new BandRefiner().refine(input, options).slice();
        const wasm = new BandRefiner(kernel);
        expect(differences(wasm.refine(input, options), expected)).toEqual([]);
      }
    }, 30_000);

  it('gives the same bytes for a hard binary mask and a band along every border', () => {
    const W = BAND_TILE * 6 + 5;
    const H = BAND_TILE * 4 + 3;
    const alpha = new Uint8Array(W * H);
    for (let y = 0; y < H; y++)
      for (let x = 0; x < W; x++)
        alpha[y * W + x] = x < 2 || y < 2 || x >= W - 2 || y >= H - 2 || (x ^ y) % 37 === 0 ? 255 : 0;
    const input = { alpha, guide: texturedGuide(W, H, 9), width: W, height: H };
    const js = new BandRefiner();
    const expected = js.refine(input).slice();
    const wasm = new BandRefiner(kernel);
    expect(differences(wasm.refine(input), expected)).toEqual([]);
    expect(wasm.bandPixels).toBe(W * H);
  });

  it('runs only where the scratch holds it, and refuses sizes that do not match', () => {
    const k = createWasmKernels()!;
    k.pictures(64, 48);
    const W = 384;
    const H = 288;
    const out = new Uint8Array(W * H);
    const args = [new Uint8Array(W * H), new Uint8Array(W * H * 4), W, H] as const;
    // A 64x48 picture's scratch cannot hold a 384x288 band refinement: declined, the JS runs.
    expect(k.bandRefine(...args, BAND_REFINE.radius, 65, new Uint8Array(256), out)).toBeNull();
    k.pictures(640, 480);
    expect(k.bandRefine(...args, BAND_REFINE.radius, 65, new Uint8Array(256), out)).toBe(0);
    expect(() => k.bandRefine(...args, 8, 65, new Uint8Array(255), out)).toThrow(RangeError);
  });
});

// The band kernel's coefficients two pixels at a time (f64x2) against one at a time: the same f32 bits, and the
// same f64 bits before that rounding (which hides most f64 differences), on window sums from random pixels, a
// flat patch (variances 0: eps alone) and a saturated one, at windows cut by the row's ends, odd starts and
// odd counts.
describe.skipIf(!hasWasmSimd())('wasm SIMD kernels: band coefficients two at a time', () => {
  const k = new WebAssembly.Instance(
    new WebAssembly.Module(Uint8Array.from(atob(KERNELS_WASM_BASE64), (c) => c.charCodeAt(0))),
  ).exports as unknown as {
    memory: WebAssembly.Memory;
    bandCoefficients(
      prefix: number,
      out: number,
      x0: number,
      count: number,
      r: number,
      W: number,
      sx0: number,
      ny: number,
      eps: number,
      paired: number,
      wide: number,
    ): void;
  };
  const W = 61;
  const ny = 17;
  const at = k.memory.buffer.byteLength;
  k.memory.grow(2);
  const prefixAt = at;
  const outAt = [at + 64 * (W + 1), at + 64 * (W + 1) + 32 * W];
  /** The row prefix (16 i32 a column plus one) of column sums over ny rows of one pixel's 13 products. */
  function prefixOf(pixel: (x: number, y: number) => [number, number, number, number]): void {
    const prefix = new Int32Array(k.memory.buffer, prefixAt, 16 * (W + 1)).fill(0);
    for (let x = 0; x < W; x++) {
      const col = new Array<number>(16).fill(0);
      for (let y = 0; y < ny; y++) {
        const [r, g, b, a] = pixel(x, y);
        const p = [r, g, b, a, r * a, g * a, b * a, 0, r * r, r * g, r * b, g * g, g * b, b * b, 0, 0];
        for (let j = 0; j < 16; j++) col[j]! += p[j]!;
      }
      for (let j = 0; j < 16; j++) prefix[16 * (x + 1) + j] = prefix[16 * x + j]! + col[j]!;
    }
  }
  const next = bytes(97);
  const inputs: [string, (x: number, y: number) => [number, number, number, number]][] = [
    ['random pixels', () => [next(), next(), next(), next()]],
    [
      'a flat patch by a ramp',
      (x) => (x < 30 ? [90, 90, 90, 255] : [x * 4, 255 - x * 3, 7 * x, (x * 9) & 255]),
    ],
    ['saturated colours, alpha 0 and 255', (x, y) => [255, (x + y) & 1 ? 255 : 0, 0, x & 2 ? 255 : 0]],
  ];
  for (const [name, pixel] of inputs)
    for (const [x0, count, r] of [
      [0, W, 8],
      [3, 45, 8],
      [1, 58, 4],
      [0, W, 1],
    ] as const)
      it(`gives the same bits from ${name}, pixels ${x0} .. ${x0 + count - 1}, r ${r}`, () => {
        prefixOf(pixel);
        // f32 as filterRun stores them, then the f64 values before that rounding (32-bit halves compared).
        for (const wide of [0, 1]) {
          for (const paired of [0, 1])
            k.bandCoefficients(prefixAt, outAt[paired]!, x0, count, r, W, 0, ny, 65, paired, wide);
          const one = new Uint32Array(k.memory.buffer, outAt[0]!, 4 * count * (wide + 1));
          const two = new Uint32Array(k.memory.buffer, outAt[1]!, 4 * count * (wide + 1));
          let differing = 0;
          for (let i = 0; i < one.length; i++) if (one[i] !== two[i]) differing++;
          expect(differing).toBe(0);
        }
        k.bandCoefficients(prefixAt, outAt[0]!, x0, count, r, W, 0, ny, 65, 1, 0);
        // Real coefficients (not NaN) that vary along the row.
        const f = new Float32Array(k.memory.buffer, outAt[0]!, 4 * count);
        expect(f.every(Number.isFinite)).toBe(true);
        expect(new Set(f).size).toBeGreaterThan(4);
      });
});

/**
 * A model-like mask (f32, 0..1): a person with a sigmoid outline, a background that wavers a little (under and
 * over the flat range), a few uncertain blobs near 0.5, exact 0 and 1 regions, and the person touching the
 * left, right and bottom borders.
 */
function modelMask(mw: number, mh: number, seed: number, shift = 0): Float32Array {
  const next = bytes(seed);
  const m = new Float32Array(mw * mh);
  for (let y = 0; y < mh; y++)
    for (let x = 0; x < mw; x++) {
      const d = Math.hypot(x - mw / 2 - shift, (y - mh) * 0.8) - mh * 0.6;
      let v = 1 / (1 + Math.exp(d / 1.5));
      if (x < 2 || x >= mw - 1) v = 1;
      if (v < 0.01) v = (next() & 7) / 1000;
      if (y < mh / 6 && x > mw / 5 && x < mw / 3) v = 0.3 + next() / 640;
      if (d > mh * 0.3 && x > mw * 0.7) v = 0;
      m[y * mw + x] = v;
    }
  return m;
}

/** Bit patterns of f32 values, so -0, NaN and the last bit count. */
const bits = (a: Float32Array) => new Uint32Array(a.buffer, a.byteOffset, a.length);

/** The refiner's last f32 alpha (its private smoothed buffer, after the swap). */
const lastRefined = (r: CpuRefiner) => (r as unknown as { smoothed: Float32Array }).smoothed;

// Working sizes of 640x480 and 1280x720 (full and half quality), odd sizes, and masks of the two model sizes.
const REFINE_CASES = [
  { w: 384, h: 288, mw: 256, mh: 144, radius: 2 },
  { w: 384, h: 216, mw: 256, mh: 144, radius: 2 },
  { w: 192, h: 108, mw: 256, mh: 144, radius: 1 },
  { w: 383, h: 213, mw: 256, mh: 256, radius: 2 },
  { w: 97, h: 31, mw: 61, mh: 29, radius: 3 },
  { w: 7, h: 5, mw: 3, mh: 2, radius: 1 },
];

describe.skipIf(!hasWasmSimd())('wasm SIMD kernels: CPU refiner', () => {
  const kernel = createWasmKernels()!;

  for (const { w, h, mw, mh, radius } of REFINE_CASES)
    it(`gives the JS CpuRefiner's f32 values and bytes at ${w}x${h} from ${mw}x${mh}, radius ${radius}`, () => {
      const js = new CpuRefiner();
      const wasm = new CpuRefiner(kernel);
      // Four frames: the first fresh (no smoothing), then the person moves and the camera's picture changes
      // (the temporal history), then a reset (fresh again).
      for (let frame = 0; frame < 4; frame++) {
        if (frame === 3) {
          js.reset();
          wasm.reset();
        }
        const shift = frame * 2;
        const input = {
          mask: modelMask(mw, mh, 3 + frame, shift),
          maskWidth: mw,
          maskHeight: mh,
          guideLow: texturedGuide(mw, mh, 5 + frame, shift),
          guideHigh: texturedGuide(w, h, 9 + frame, shift),
          width: w,
          height: h,
          radius,
        };
        const expected = js.refine(input).slice();
        const got = wasm.refine(input);
        expect(differences(bits(lastRefined(wasm)), bits(lastRefined(js)))).toEqual([]);
        let diffs = 0;
        for (let i = 0; i < w * h; i++) if (got[i] !== expected[i]) diffs++;
        expect(diffs).toBe(0);
        if (w * h > 10_000) {
          // Soft values, both ends, and (after the first frame) the smoothing moved something.
          let soft = 0;
          for (const v of expected) if (v > 0 && v < 255) soft++;
          expect(soft).toBeGreaterThan(100);
          expect(expected.includes(0) && expected.includes(255)).toBe(true);
        }
      }
    }, 30_000);

  it('is jointBilateralUpsample, then smoothMaskInPlace, then EDGE_LUT, step for step', () => {
    const w = 384;
    const h = 216;
    const mw = 256;
    const mh = 144;
    const make = (frame: number) => ({
      mask: modelMask(mw, mh, 20 + frame, frame * 3),
      maskWidth: mw,
      maskHeight: mh,
      guideLow: texturedGuide(mw, mh, 30 + frame, frame),
      guideHigh: texturedGuide(w, h, 40 + frame, frame),
      width: w,
      height: h,
      radius: 2,
    });
    const a = make(0);
    const b = make(1);
    const upA = jointBilateralUpsample({ ...a, out: new Float32Array(w * h) });
    const upB = jointBilateralUpsample({ ...b, out: new Float32Array(w * h) });
    const smoothed = smoothMaskInPlace(upB.slice(), upA, b.guideHigh, a.guideHigh);
    const refined = new Float32Array(w * h);
    const alpha = new Uint8Array(w * h);
    expect(kernel.cpuRefine({ ...a, previous: null, previousGuide: null, refined, alpha })).toBe(true);
    expect(differences(bits(refined), bits(upA))).toEqual([]);
    expect(kernel.cpuRefine({ ...b, previous: upA, previousGuide: a.guideHigh, refined, alpha })).toBe(true);
    expect(differences(bits(refined), bits(smoothed))).toEqual([]);
    let moved = 0;
    for (let i = 0; i < w * h; i++) if (smoothed[i] !== upB[i]) moved++;
    expect(moved).toBeGreaterThan(1000);
    const edged = smoothed.map((v) => EDGE_LUT[Math.min(1023, Math.max(0, (v * 1023) | 0))]!);
    expect(differences(alpha, edged)).toEqual([]);
  }, 30_000);

  it('declines what its scratch cannot hold and refuses sizes that do not match', () => {
    const k = createWasmKernels()!;
    k.pictures(32, 24);
    const w = 384;
    const h = 288;
    const work = {
      mask: new Float32Array(256 * 144),
      maskWidth: 256,
      maskHeight: 144,
      guideLow: new Uint8ClampedArray(256 * 144 * 4),
      guideHigh: new Uint8ClampedArray(w * h * 4),
      width: w,
      height: h,
      radius: 2,
      previous: null,
      previousGuide: null,
      refined: new Float32Array(w * h),
      alpha: new Uint8Array(w * h),
    };
    expect(k.cpuRefine(work)).toBe(false);
    k.pictures(640, 480);
    expect(k.cpuRefine(work)).toBe(true);
    expect(() => k.cpuRefine({ ...work, width: 383 })).toThrow(RangeError);
    expect(() =>
      k.cpuRefine({ ...work, previous: new Float32Array(3), previousGuide: work.guideHigh }),
    ).toThrow(RangeError);
  });
});

describe.skipIf(!hasWasmSimd())('wasm SIMD kernels: packedYuvToRgba', () => {
  const kernel = createWasmKernels()!;
  it('gives the JS bytes for every colour matrix and range, every byte value, odd lengths', () => {
    const next = bytes(17);
    for (const [matrix, full] of [
      ['bt709', false],
      ['bt709', true],
      ['bt601', false],
      ['smpte170m', true],
    ] as const)
      for (const n of [384 * 288, 97 * 31, 1, 3]) {
        const pixels = new Uint8ClampedArray(n * 4).map((_, i) => (i < 1024 ? i >> 2 : next()));
        const c = yuvColour(matrix, full);
        const expected = packedYuvToRgba(pixels.slice(), c);
        const got = pixels.slice();
        expect(kernel.packedYuvToRgba(got, c)).toBe(true);
        expect(differences(got, expected)).toEqual([]);
        // Clamping at both ends happens in these inputs (so a wrong clamp would show).
        if (n > 1000) expect(expected.includes(0) && expected.includes(255)).toBe(true);
      }
  }, 30_000);
});
