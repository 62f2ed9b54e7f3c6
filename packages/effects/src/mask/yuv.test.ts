import { describe, expect, it } from 'vitest';
import {
  BT601,
  BT709,
  createI420,
  deinterleaveUv,
  downsampleI420,
  downsamplePacked,
  downsamplePlane,
  packedYuvToRgba,
  rgbaToI420,
  rgbToYuv,
  shrinkI420,
  yuvColour,
} from './yuv.js';

function solidRgba(w: number, h: number, rgb: [number, number, number]): Uint8ClampedArray {
  const out = new Uint8ClampedArray(w * h * 4);
  for (let i = 0; i < w * h; i++) out.set([...rgb, 255], i * 4);
  return out;
}

describe('I420 pictures', () => {
  it('lays out odd sizes with rounded-up chroma', () => {
    const p = createI420(5, 3);
    expect([p.chromaWidth, p.chromaHeight]).toEqual([3, 2]);
    expect(p.data.length).toBe(15 + 2 * 6);
    expect(p.v.length).toBe(6);
    expect(() => createI420(0, 2)).toThrow(RangeError);
  });

  it('converts colours with the named matrix and range', () => {
    expect(rgbToYuv(255, 255, 255, BT601)).toEqual([235, 128, 128]);
    expect(rgbToYuv(0, 0, 0, BT709)).toEqual([16, 128, 128]);
    expect(rgbToYuv(255, 255, 255, { ...BT709, fullRange: true })).toEqual([255, 128, 128]);
    expect(yuvColour('bt709', true)).toEqual({ ...BT709, fullRange: true });
    expect(yuvColour(null, undefined)).toEqual(BT601);
  });

  it('round-trips RGB through I420 and the packed conversion within a few levels', () => {
    for (const colour of [BT601, BT709, { ...BT709, fullRange: true }]) {
      for (const rgb of [
        [200, 40, 30],
        [20, 180, 90],
        [60, 70, 220],
        [128, 128, 128],
      ] as Array<[number, number, number]>) {
        const pic = rgbaToI420(solidRgba(4, 4, rgb), createI420(4, 4), colour);
        const packed = downsampleI420(pic, 2, 2);
        const back = packedYuvToRgba(packed, colour);
        for (let c = 0; c < 3; c++) expect(Math.abs(back[c]! - rgb[c]!)).toBeLessThanOrEqual(3);
        expect(back[3]).toBe(255);
      }
    }
  });

  it('shrinks a picture plane by plane, rounding each 2x2 average', () => {
    const pic = createI420(4, 4);
    pic.y.set([0, 10, 20, 30, 1, 11, 21, 31, 100, 100, 200, 201, 100, 100, 200, 201]);
    pic.u.set([40, 41, 42, 43]);
    pic.v.set([90, 91, 92, 93]);
    const half = shrinkI420(pic, createI420(2, 2));
    // (0+10+1+11)/4 = 5.5 -> 6; (20+30+21+31)/4 = 25.5 -> 26; (200+201+200+201)/4 = 200.5 -> 200 (half to even)
    expect([...half.y]).toEqual([6, 26, 100, 200]);
    expect([...half.u]).toEqual([42]); // 41.5 -> 42
    expect([...half.v]).toEqual([92]); // 91.5 -> 92
    expect(() => shrinkI420(createI420(2, 2), createI420(4, 4))).toThrow(RangeError);
  });

  it('shrinks a 1280x720 picture to 640x360 with the mean kept', () => {
    const pic = createI420(1280, 720);
    for (let i = 0; i < pic.y.length; i++) pic.y[i] = (i * 7) % 251;
    pic.u.fill(77);
    pic.v.fill(200);
    const half = shrinkI420(pic, createI420(640, 360));
    const mean = (a: Uint8Array) => a.reduce((s, x) => s + x, 0) / a.length;
    expect(Math.abs(mean(half.y) - mean(pic.y))).toBeLessThan(0.6);
    expect(new Set(half.u)).toEqual(new Set([77]));
    expect(new Set(half.v)).toEqual(new Set([200]));
  });

  it('box-averages every source sample into the smaller picture', () => {
    const pic = createI420(4, 2);
    pic.y.set([0, 100, 200, 40, 20, 60, 0, 120]);
    pic.u.set([10, 30]);
    pic.v.set([50, 70]);
    const packed = downsampleI420(pic, 2, 1);
    // Left block: 0, 100, 20, 60 -> 45; right: 200, 40, 0, 120 -> 90.
    expect([packed[0], packed[4]]).toEqual([45, 90]);
    expect([packed[1], packed[2], packed[5], packed[6]]).toEqual([10, 50, 30, 70]);
    expect(downsamplePlane(new Uint8Array([0, 255, 255, 255]), 2, 2, 1, 1)[0]).toBe(191);
    expect(() => downsampleI420(pic, 2, 1, new Uint8ClampedArray(4))).toThrow(RangeError);
  });

  it('splits NV12 chroma into planes', () => {
    const u = new Uint8Array(2);
    const v = new Uint8Array(2);
    deinterleaveUv(new Uint8Array([1, 2, 3, 4]), u, v);
    expect([...u, ...v]).toEqual([1, 3, 2, 4]);
  });
});

describe('downsampleI420 to a size larger than its chroma planes', () => {
  it('takes the nearest chroma sample (640x480 to 384x288: chroma 320x240 is scaled up), never 0', () => {
    const src = createI420(640, 480);
    src.y.fill(90);
    for (let i = 0; i < src.u.length; i++) {
      src.u[i] = 100 + (i % 320 >= 300 ? 20 : 0);
      src.v[i] = 150;
    }
    const out = downsampleI420(src, 384, 288);
    let wrong = 0;
    for (let p = 0; p < 384 * 288; p++) {
      const x = p % 384;
      // Right edge: the last chroma columns (U 120) are reached; elsewhere U 100; V and Y flat.
      const u = out[p * 4 + 1]!;
      if (out[p * 4] !== 90 || out[p * 4 + 2] !== 150 || u < 100 || u > 120) wrong++;
      if (x === 383 && u !== 120) wrong++;
    }
    expect(wrong).toBe(0);
  });
});

describe('downsamplePacked', () => {
  it('averages each channel over its box and sets alpha opaque', () => {
    // 4x2 pixels: left half Y=10, right half Y=30; U, V ramps.
    const px = new Uint8ClampedArray(4 * 2 * 4);
    for (let y = 0; y < 2; y++)
      for (let x = 0; x < 4; x++) {
        const o = (y * 4 + x) * 4;
        px[o] = x < 2 ? 10 : 30;
        px[o + 1] = 100 + x;
        px[o + 2] = 200 + y;
        px[o + 3] = 7;
      }
    const out = downsamplePacked(px, 4, 2, 2, 1);
    // Halves round to even, as a clamped byte store does.
    expect(Array.from(out)).toEqual([10, 100, 200, 255, 30, 102, 200, 255]);
  });

  it('matches downsampleI420 when made from the same picture at twice the size, within rounding', () => {
    const src = createI420(64, 32);
    for (let i = 0; i < src.data.length; i++) src.data[i] = (i * 37) % 251;
    const direct = downsampleI420(src, 16, 8);
    const viaHalf = downsamplePacked(downsampleI420(src, 32, 16), 32, 16, 16, 8);
    for (let i = 0; i < direct.length; i++) expect(Math.abs(direct[i]! - viaHalf[i]!)).toBeLessThanOrEqual(1);
  });

  it('refuses mismatched sizes', () => {
    expect(() => downsamplePacked(new Uint8ClampedArray(12), 2, 2, 1, 1)).toThrow(RangeError);
  });
});

describe('shrinkI420 at exactly half size', () => {
  it('gives the same bytes as the general box average', () => {
    const src = createI420(64, 36);
    for (let i = 0; i < src.data.length; i++) src.data[i] = (i * 97 + (i >> 3)) % 256;
    const half = shrinkI420(src, createI420(32, 18));
    // The general path: a size that is not exactly half goes through the box tables; compare plane by plane
    // with a per-plane box average made by downsamplePlane (the same tables and rounding).
    expect(Array.from(half.y)).toEqual(Array.from(downsamplePlane(src.y, 64, 36, 32, 18)));
    expect(Array.from(half.u)).toEqual(Array.from(downsamplePlane(src.u, 32, 18, 16, 9)));
    expect(Array.from(half.v)).toEqual(Array.from(downsamplePlane(src.v, 32, 18, 16, 9)));
  });

  it('an odd half height (one chroma row more than half the source) averages every row, none left at 0', () => {
    // 8x6 -> 4x3: chroma 4x3 -> 2x2, not 2x1.5: the 2x2 halving would read a row past the source's chroma.
    const src = createI420(8, 6);
    src.data.fill(200);
    const half = shrinkI420(src, createI420(4, 3));
    expect(Array.from(half.y)).toEqual(new Array(12).fill(200));
    expect(Array.from(half.u)).toEqual(new Array(4).fill(200));
    expect(Array.from(half.v)).toEqual(new Array(4).fill(200));
  });
});

describe('box averages against the sample-by-sample reference', () => {
  /**
   * Each output sample the rounded mean of its box (box edges at round(i·src/out); an empty box, where the
   * output is larger than the plane, takes the one sample at its first edge, clamped into the plane).
   */
  function referenceBox(plane: Uint8Array, pw: number, ph: number, outW: number, outH: number): number[] {
    const edges = (n: number, size: number) => {
      const t: number[] = [];
      for (let i = 0; i <= n; i++) t.push(Math.round((i * size) / n));
      return t;
    };
    const xs = edges(outW, pw);
    const ys = edges(outH, ph);
    const out: number[] = [];
    for (let oy = 0; oy < outH; oy++)
      for (let ox = 0; ox < outW; ox++) {
        let sum = 0;
        let n = 0;
        const y0 = Math.min(ys[oy]!, ph - 1);
        const x0 = Math.min(xs[ox]!, pw - 1);
        for (let y = y0; y < Math.min(ph, Math.max(y0 + 1, ys[oy + 1]!)); y++)
          for (let x = x0; x < Math.min(pw, Math.max(x0 + 1, xs[ox + 1]!)); x++) {
            sum += plane[y * pw + x]!;
            n++;
          }
        // A clamped byte store: round half to even.
        out.push(n > 0 ? new Uint8ClampedArray([sum / n])[0]! : 0);
      }
    return out;
  }
  for (const [w, h, ow, oh] of [
    [1280, 720, 384, 216],
    [1280, 720, 256, 144],
    [640, 480, 384, 288],
    [101, 57, 33, 20],
  ] as const) {
    it(`gives the same bytes from ${w}x${h} to ${ow}x${oh}`, () => {
      let seed = w + h;
      const src = createI420(w, h);
      for (let i = 0; i < src.data.length; i++) {
        seed = (seed * 1103515245 + 12345) >>> 0;
        src.data[i] = seed >>> 24;
      }
      expect(Array.from(downsamplePlane(src.y, w, h, ow, oh))).toEqual(referenceBox(src.y, w, h, ow, oh));
      const packed = downsampleI420(src, ow, oh);
      const u = referenceBox(src.u, src.chromaWidth, src.chromaHeight, ow, oh);
      expect(Array.from(packed.filter((_, i) => i % 4 === 1))).toEqual(u);
    });
  }
});
