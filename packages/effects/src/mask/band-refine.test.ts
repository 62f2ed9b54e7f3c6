import { describe, expect, it } from 'vitest';
import { BAND_TILE, type BandRefineOptions, BandRefiner } from './band-refine.js';

/** The textbook colour guided filter over the whole picture (clamped windows), then the edge curve. */
function reference(guide: Uint8Array, p: Uint8Array, W: number, H: number, o: BandRefineOptions): Uint8Array {
  const r = o.radius;
  const mean = (f: (i: number) => number) => {
    const out = new Float64Array(W * H);
    for (let y = 0; y < H; y++)
      for (let x = 0; x < W; x++) {
        let s = 0;
        let n = 0;
        for (let yy = Math.max(0, y - r); yy <= Math.min(H - 1, y + r); yy++)
          for (let xx = Math.max(0, x - r); xx <= Math.min(W - 1, x + r); xx++) {
            s += f(yy * W + xx);
            n++;
          }
        out[y * W + x] = s / n;
      }
    return out;
  };
  const c = (i: number, k: number) => guide[i * 4 + k]!;
  const mI = [0, 1, 2].map((k) => mean((i) => c(i, k)));
  const mP = mean((i) => p[i]!);
  const mIP = [0, 1, 2].map((k) => mean((i) => c(i, k) * p[i]!));
  const mII = [0, 1, 2].map((k) => [0, 1, 2].map((l) => mean((i) => c(i, k) * c(i, l))));
  const a = [0, 1, 2].map(() => new Float64Array(W * H));
  const b = new Float64Array(W * H);
  for (let i = 0; i < W * H; i++) {
    const s = [0, 1, 2].map((k) =>
      [0, 1, 2].map((l) => mII[k]![l]![i]! - mI[k]![i]! * mI[l]![i]! + (k === l ? o.eps : 0)),
    );
    const cov = [0, 1, 2].map((k) => mIP[k]![i]! - mI[k]![i]! * mP[i]!);
    // Solve s * x = cov by Gaussian elimination.
    const m = s.map((row, k) => [...row, cov[k]!]);
    for (let k = 0; k < 3; k++)
      for (let j = k + 1; j < 3; j++) {
        const f = m[j]![k]! / m[k]![k]!;
        for (let l = k; l < 4; l++) m[j]![l]! -= f * m[k]![l]!;
      }
    const x = [0, 0, 0];
    for (let k = 2; k >= 0; k--) {
      let v = m[k]![3]!;
      for (let l = k + 1; l < 3; l++) v -= m[k]![l]! * x[l]!;
      x[k] = v / m[k]![k]!;
    }
    for (let k = 0; k < 3; k++) a[k]![i] = x[k]!;
    b[i] = mP[i]! - x[0]! * mI[0]![i]! - x[1]! * mI[1]![i]! - x[2]! * mI[2]![i]!;
  }
  const mA = a.map((ak) => mean((i) => ak[i]!));
  const mB = mean((i) => b[i]!);
  const out = new Uint8Array(W * H);
  const lo = o.centre - o.softness;
  const hi = o.centre + o.softness;
  for (let i = 0; i < W * H; i++) {
    const q = mA[0]![i]! * c(i, 0) + mA[1]![i]! * c(i, 1) + mA[2]![i]! * c(i, 2) + mB[i]!;
    const t = Math.min(1, Math.max(0, (Math.min(255, Math.max(0, Math.round(q))) / 255 - lo) / (hi - lo)));
    out[i] = Math.round(t * t * (3 - 2 * t) * 255);
  }
  return out;
}

/** An RGBA picture: `left` colour for x < edge(y), `right` after, plus a little texture. */
function picture(W: number, H: number, edge: (y: number) => number, left: number[], right: number[]) {
  const g = new Uint8Array(W * H * 4);
  for (let y = 0; y < H; y++)
    for (let x = 0; x < W; x++) {
      const c = x < edge(y) ? left : right;
      const o = (y * W + x) * 4;
      for (let k = 0; k < 3; k++) g[o + k] = c[k]! + ((x * 7 + y * 13 + k * 5) % 9);
      g[o + 3] = 255;
    }
  return g;
}

/** An alpha with a soft vertical edge at `edge`, ramp `width` pixels wide, 255 on the left. */
function softEdge(W: number, H: number, edge: number, width: number): Uint8Array {
  const a = new Uint8Array(W * H);
  for (let y = 0; y < H; y++)
    for (let x = 0; x < W; x++)
      a[y * W + x] = Math.round(255 * (1 - Math.min(1, Math.max(0, (x + 0.5 - edge) / width + 0.5))));
  return a;
}

/** Where a row's alpha first drops below 128. */
function crossing(alpha: Uint8Array, W: number, y: number): number {
  for (let x = 0; x < W; x++) if (alpha[y * W + x]! < 128) return x;
  return W;
}

const LINEAR: BandRefineOptions = { radius: 3, eps: 100, centre: 0.5, softness: 0.5 };

describe('BandRefiner', () => {
  it('passes flat alphas through the edge curve without filtering', () => {
    const refiner = new BandRefiner();
    const guide = picture(80, 48, () => 40, [20, 30, 40], [200, 190, 180]);
    for (const value of [0, 255]) {
      const out = refiner.refine({
        alpha: new Uint8Array(80 * 48).fill(value),
        guide,
        width: 80,
        height: 48,
      });
      expect(refiner.bandPixels).toBe(0);
      expect(out.every((v) => v === value)).toBe(true);
    }
  });

  it('is the colour guided filter in the band and the alpha elsewhere', () => {
    const W = 70;
    const H = 50;
    const alpha = new Uint8Array(W * H);
    for (let y = 0; y < H; y++)
      for (let x = 0; x < W; x++) alpha[y * W + x] = x < 20 + y * 0.2 ? 255 : x < 24 + y * 0.2 ? 140 : 0;
    const guide = picture(W, H, (y) => 23 + y * 0.2, [40, 90, 60], [170, 120, 200]);
    const refiner = new BandRefiner();
    const out = refiner.refine({ alpha, guide, width: W, height: H }, LINEAR);
    const expected = reference(guide, alpha, W, H, LINEAR);
    expect(refiner.bandPixels).toBeGreaterThan(0);
    expect(refiner.bandPixels).toBeLessThan(W * H);
    let soft = 0;
    for (let i = 0; i < W * H; i++) {
      expect(Math.abs(out[i]! - expected[i]!)).toBeLessThanOrEqual(2);
      if (out[i]! > 0 && out[i]! < 255) soft++;
    }
    expect(soft).toBeGreaterThan(0);
  });

  it('moves a blurred outline onto the picture’s colour edge, even where the luma is the same', () => {
    const W = 96;
    const H = 48;
    // The model's outline at x = 20 with a ramp 8 pixels wide; the picture's edge at x = 24, red against
    // green of about the same brightness.
    const alpha = softEdge(W, H, 20, 8);
    const guide = picture(W, H, () => 24, [160, 60, 60], [40, 110, 40]);
    const refiner = new BandRefiner();
    const out = refiner.refine(
      { alpha, guide, width: W, height: H },
      { ...LINEAR, radius: 6, softness: 0.15 },
    );
    for (const y of [0, 20, 47]) {
      expect(Math.abs(crossing(alpha, W, y) - 24)).toBeGreaterThanOrEqual(4);
      expect(Math.abs(crossing(out, W, y) - 24)).toBeLessThanOrEqual(2);
    }
    for (let y = 0; y < H; y++) {
      expect(out[y * W + 2]).toBe(255);
      expect(out[y * W + W - 3]).toBe(0);
    }
  });

  it('computes only the tiles near the outline', () => {
    const W = BAND_TILE * 20;
    const H = BAND_TILE * 8;
    const alpha = softEdge(W, H, BAND_TILE * 10 + 3, 2);
    const refiner = new BandRefiner();
    refiner.refine(
      { alpha, guide: new Uint8Array(W * H * 4), width: W, height: H },
      { ...LINEAR, radius: 4 },
    );
    // A vertical outline with a reach of 2r = 8 < BAND_TILE: one or two tile columns per tile row.
    expect(refiner.bandPixels).toBeGreaterThanOrEqual(H * BAND_TILE);
    expect(refiner.bandPixels).toBeLessThanOrEqual(2 * H * BAND_TILE);
  });

  it('reuses its alpha while the size holds and refuses sizes that do not match', () => {
    const refiner = new BandRefiner();
    const input = {
      alpha: softEdge(32, 18, 16, 4),
      guide: new Uint8Array(32 * 18 * 4),
      width: 32,
      height: 18,
    };
    const first = refiner.refine(input);
    expect(refiner.haveAlpha).toBe(true);
    expect(refiner.refine(input)).toBe(first);
    expect(() => refiner.refine({ ...input, width: 31 })).toThrow(RangeError);
    expect(() => refiner.refine({ ...input, guide: new Uint8Array(10) })).toThrow(RangeError);
  });
});
