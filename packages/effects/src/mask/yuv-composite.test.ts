import { describe, expect, it } from 'vitest';
import { createI420, type I420 } from './yuv.js';
import { compositeI420, darkenPackedYuv, upsamplePlane } from './yuv-composite.js';

function picture(w: number, h: number, y: number, u: number, v: number): I420 {
  const p = createI420(w, h);
  p.y.fill(y);
  p.u.fill(u);
  p.v.fill(v);
  return p;
}

/** Alpha with the left half background (0), the right half person (255), at aw x ah. */
function halfAlpha(aw: number, ah: number): Uint8Array {
  const a = new Uint8Array(aw * ah);
  for (let i = 0; i < a.length; i++) a[i] = i % aw >= aw / 2 ? 255 : 0;
  return a;
}

describe('compositeI420', () => {
  const w = 64;
  const h = 32;
  const src = picture(w, h, 200, 90, 160);

  it('shows the camera where alpha is 255 and the background where it is 0, blending between', () => {
    const out = createI420(w, h);
    compositeI420({
      src,
      alpha: halfAlpha(16, 8),
      alphaWidth: 16,
      alphaHeight: 8,
      background: { kind: 'colour', yuv: [16, 128, 128] },
      out,
    });
    const row = out.y.subarray(5 * w, 6 * w);
    expect(row[0]).toBe(16);
    expect(row[w - 1]).toBe(200);
    // The edge is a ramp, monotonic, inside the two values.
    for (let x = 1; x < w; x++) expect(row[x]!).toBeGreaterThanOrEqual(row[x - 1]!);
    expect(row.some((v) => v > 16 && v < 200)).toBe(true);
    expect(out.u[0]).toBe(128);
    expect(out.u[out.chromaWidth - 1]).toBe(90);
    expect(out.v[out.chromaWidth - 1]).toBe(160);
  });

  it('scales a small background up and a full-size picture through unchanged', () => {
    const small = new Uint8ClampedArray(2 * 2 * 4).fill(50);
    const out = createI420(w, h);
    compositeI420({
      src,
      alpha: null,
      alphaWidth: 0,
      alphaHeight: 0,
      background: { kind: 'small', pixels: small, width: 2, height: 2 },
      out,
    });
    expect(new Set(out.data)).toEqual(new Set([50]));
    const bg = picture(w, h, 30, 40, 50);
    bg.y[3] = 99;
    compositeI420({
      src,
      alpha: new Uint8Array(4),
      alphaWidth: 2,
      alphaHeight: 2,
      background: { kind: 'picture', picture: bg },
      out,
    });
    expect(out.data).toEqual(bg.data);
  });

  it('blends the small background behind a partly transparent person', () => {
    const small = new Uint8ClampedArray(4 * 4 * 4);
    for (let i = 0; i < 16; i++) small.set([100, 128, 128, 255], i * 4);
    const out = createI420(w, h);
    compositeI420({
      src,
      alpha: new Uint8Array(8 * 4).fill(128),
      alphaWidth: 8,
      alphaHeight: 4,
      background: { kind: 'small', pixels: small, width: 4, height: 4 },
      out,
    });
    // 100 + (200 - 100) * 128 / 255
    expect(Math.abs(out.y[w * 10 + 20]! - 150)).toBeLessThanOrEqual(1);
  });

  it('refuses mismatched sizes', () => {
    const bad = {
      src,
      alphaWidth: 2,
      alphaHeight: 2,
      background: { kind: 'colour', yuv: [0, 0, 0] },
    } as const;
    expect(() => compositeI420({ ...bad, alpha: new Uint8Array(3), out: createI420(w, h) })).toThrow(
      RangeError,
    );
    expect(() => compositeI420({ ...bad, alpha: null, out: createI420(w, h + 2) })).toThrow(RangeError);
  });
});

describe('upsamplePlane and darkenPackedYuv', () => {
  it('keeps flat planes flat and interpolates a step', () => {
    expect(new Set(upsamplePlane(new Uint8Array(4).fill(77), 2, 2, 9, 7))).toEqual(new Set([77]));
    const up = upsamplePlane(new Uint8Array([0, 255]), 2, 1, 8, 1);
    expect(up[0]).toBe(0);
    expect(up[7]).toBe(255);
    expect(up[3]! > 0 && up[3]! < 255).toBe(true);
  });

  it('halves luma toward black and chroma toward grey', () => {
    const px = new Uint8ClampedArray([235, 200, 60, 255]);
    darkenPackedYuv(px, false);
    expect(px[0]).toBeLessThan(150);
    expect(px[0]).toBeGreaterThan(110);
    expect([px[1], px[2]]).toEqual([164, 94]);
  });
});

/**
 * The composite sample by sample, as the loop before its runs and interval walks computed it: alpha and the
 * small background sampled bilinearly (8.8 rows, 16.16 positions in rows padded by one at each end), then
 * b + (s - b)·a. With `background: 'exact'` the background is that exact bilinear value; with 'widened' it is
 * what the composite computes since session 9: each small row scaled to the plane's width and rounded to a
 * byte, then the two rows mixed vertically and rounded. The optimised loops must give exactly the 'widened'
 * bytes, and those are within 1 of the 'exact' ones.
 */
function referencePlane(
  src: Uint8Array,
  pw: number,
  ph: number,
  alpha: Uint8Array | null,
  aw: number,
  ah: number,
  small: { pixels: Uint8ClampedArray; width: number; height: number },
  plane: number,
  background: 'exact' | 'widened',
): Uint8Array {
  const out = new Uint8Array(pw * ph);
  const vertical = (outSize: number, srcSize: number, y: number) => {
    const f = Math.min(srcSize - 1, Math.max(0, ((y + 0.5) * srcSize) / outSize - 0.5));
    const i = Math.floor(f);
    return { i0: i, i1: Math.min(srcSize - 1, i + 1), w: Math.round((f - i) * 256) };
  };
  const horizontal = (row: (i: number) => number, srcSize: number, x: number) => {
    const ratio = srcSize / pw;
    const f = Math.round((0.5 * ratio + 0.5) * 65536) + x * Math.round(ratio * 65536);
    const padded = (i: number) => row(Math.min(srcSize - 1, Math.max(0, i - 1)));
    const k = f >> 16;
    const w = (f >> 8) & 255;
    return (padded(k) * (256 - w) + padded(k + 1) * w + 32768) >> 16;
  };
  const sample = (r: number, i: number) => small.pixels[(r * small.width + i) * 4 + plane]!;
  // A small row scaled horizontally to the plane's width and rounded to a byte: `horizontal` of the row's
  // values x 256 is (b0·(256 - w) + b1·w + 128) >> 8.
  const widened = (r: number, x: number) => horizontal((i) => sample(r, i) * 256, small.width, x);
  for (let y = 0; y < ph; y++) {
    const ay = alpha ? vertical(ph, ah, y) : { i0: 0, i1: 0, w: 0 };
    const by = vertical(ph, small.height, y);
    const aRow = (i: number) =>
      alpha ? alpha[ay.i0 * aw + i]! * (256 - ay.w) + alpha[ay.i1 * aw + i]! * ay.w : 0;
    const bRow = (i: number) => sample(by.i0, i) * (256 - by.w) + sample(by.i1, i) * by.w;
    for (let x = 0; x < pw; x++) {
      const a = alpha ? horizontal(aRow, aw, x) : 0;
      const b =
        background === 'exact'
          ? horizontal(bRow, small.width, x)
          : (widened(by.i0, x) * (256 - by.w) + widened(by.i1, x) * by.w + 128) >> 8;
      const s = src[y * pw + x]!;
      out[y * pw + x] = b + (((s - b) * a * 257 + 32768) >> 16);
    }
  }
  return out;
}

describe('compositeI420 against the sample-by-sample reference', () => {
  // A deterministic pseudo-random picture, alpha with flat person and background areas and a soft band.
  const rand = (seed: number) => () => {
    seed = (seed * 1103515245 + 12345) >>> 0;
    return seed >>> 24;
  };
  for (const [w, h, aw, ah, sw, sh] of [
    [160, 90, 48, 27, 19, 11],
    [128, 96, 48, 36, 16, 12],
    [101, 57, 30, 17, 7, 5],
  ] as const) {
    it(`gives the same bytes at ${w}x${h} (alpha ${aw}x${ah}, background ${sw}x${sh})`, () => {
      const next = rand(w * h);
      const src = createI420(w, h);
      for (let i = 0; i < src.data.length; i++) src.data[i] = next();
      const alpha = new Uint8Array(aw * ah);
      for (let y = 0; y < ah; y++)
        for (let x = 0; x < aw; x++) {
          const d = Math.hypot(x - aw / 2, y - ah) - ah * 0.7;
          alpha[y * aw + x] = d < -2 ? 255 : d > 2 ? 0 : next();
        }
      const pixels = new Uint8ClampedArray(sw * sh * 4);
      for (let i = 0; i < pixels.length; i++) pixels[i] = next();
      const small = { pixels, width: sw, height: sh };
      const out = createI420(w, h);
      compositeI420({
        src,
        alpha,
        alphaWidth: aw,
        alphaHeight: ah,
        background: { kind: 'small', ...small },
        out,
      });
      const planes = [
        [src.y, w, h, out.y],
        [src.u, src.chromaWidth, src.chromaHeight, out.u],
        [src.v, src.chromaWidth, src.chromaHeight, out.v],
      ] as const;
      planes.forEach(([plane, pw, ph, got], i) => {
        expect(got).toEqual(referencePlane(plane, pw, ph, alpha, aw, ah, small, i, 'widened'));
        const exact = referencePlane(plane, pw, ph, alpha, aw, ah, small, i, 'exact');
        const off = got.map((v, j) => Math.abs(v - exact[j]!));
        expect(Math.max(...off)).toBeLessThanOrEqual(1);
        // Most samples are the exact ones; the rounding of the widened rows moves only some by 1.
        expect(off.filter((d) => d > 0).length).toBeLessThan(got.length / 2);
      });
    });

    it(`gives the same background with no alpha (the privacy frame) at ${w}x${h}`, () => {
      const next = rand(w + h);
      const src = createI420(w, h);
      const pixels = new Uint8ClampedArray(sw * sh * 4);
      for (let i = 0; i < pixels.length; i++) pixels[i] = next();
      const small = { pixels, width: sw, height: sh };
      const out = createI420(w, h);
      compositeI420({
        src,
        alpha: null,
        alphaWidth: 0,
        alphaHeight: 0,
        background: { kind: 'small', ...small },
        out,
      });
      expect(out.y).toEqual(referencePlane(src.y, w, h, null, 0, 0, small, 0, 'widened'));
      expect(out.v).toEqual(
        referencePlane(src.v, src.chromaWidth, src.chromaHeight, null, 0, 0, small, 2, 'widened'),
      );
    });
  }
});
