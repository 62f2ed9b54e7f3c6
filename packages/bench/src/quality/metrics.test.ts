import { describe, expect, it } from 'vitest';
import { boundary, boundaryF, dilate, flickerPct, iou, type Mask, threshold } from './metrics.js';

function rect(w: number, h: number, x0: number, y0: number, x1: number, y1: number): Mask {
  const data = new Uint8Array(w * h);
  for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) data[y * w + x] = 1;
  return { width: w, height: h, data };
}

describe('iou', () => {
  it('is 1 for identical masks, 0 for disjoint, and the area ratio otherwise', () => {
    const a = rect(10, 10, 0, 0, 5, 10);
    expect(iou(a, a)).toBe(1);
    expect(iou(a, rect(10, 10, 5, 0, 10, 10))).toBe(0);
    // 50 vs 100 pixels, one inside the other.
    expect(iou(a, rect(10, 10, 0, 0, 10, 10))).toBeCloseTo(0.5);
  });

  it('rejects masks of different sizes', () => {
    expect(() => iou(rect(4, 4, 0, 0, 1, 1), rect(5, 4, 0, 0, 1, 1))).toThrow(/differ/);
  });
});

describe('threshold', () => {
  it('puts 0.5 (128) on the person side', () => {
    expect([...threshold(new Uint8Array([0, 127, 128, 255]), 4, 1).data]).toEqual([0, 0, 1, 1]);
  });
});

describe('boundary and dilate', () => {
  it('finds the outline of a square', () => {
    const b = boundary(rect(5, 5, 1, 1, 4, 4));
    expect(b.reduce((s, v) => s + v, 0)).toBe(8);
    expect(b[2 * 5 + 2]).toBe(0);
  });

  it('dilates a point into a disk of the given radius', () => {
    const map = new Uint8Array(49);
    map[3 * 7 + 3] = 1;
    const d = dilate(map, 7, 7, 2);
    expect(d[3 * 7 + 1]).toBe(1);
    expect(d[1 * 7 + 1]).toBe(0);
    expect(d.reduce((s, v) => s + v, 0)).toBe(13);
  });
});

describe('boundaryF', () => {
  it('is 1 for identical masks and tolerates shifts within the tolerance only', () => {
    const a = rect(100, 100, 20, 20, 80, 80);
    expect(boundaryF(a, a)).toBe(1);
    expect(boundaryF(rect(100, 100, 21, 20, 81, 80), a, 1)).toBe(1);
    expect(boundaryF(rect(100, 100, 30, 20, 90, 80), a, 1)).toBeLessThan(0.6);
  });

  it('is 0 when one side has no boundary and the other does', () => {
    expect(boundaryF(rect(10, 10, 0, 0, 0, 0), rect(10, 10, 2, 2, 6, 6))).toBe(0);
  });
});

describe('flickerPct', () => {
  it('counts label changes the ground truth did not make', () => {
    const still = rect(10, 10, 0, 0, 5, 10);
    const jitter = rect(10, 10, 0, 0, 6, 10);
    expect(flickerPct(still, jitter, still, still)).toBeCloseTo(10);
    // The truth moved the same way: that is motion, not flicker.
    expect(flickerPct(still, jitter, still, jitter)).toBe(0);
  });
});
