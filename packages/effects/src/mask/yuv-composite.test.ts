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
