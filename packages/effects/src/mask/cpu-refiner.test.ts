import { describe, expect, it } from 'vitest';
import { CpuRefiner, EDGE_LUT } from './cpu-refiner.js';

const MW = 8;
const MH = 4;

function input(value: number, guide: number, w = 16, h = 8) {
  return {
    mask: new Float32Array(MW * MH).fill(value),
    maskWidth: MW,
    maskHeight: MH,
    guideLow: new Uint8ClampedArray(MW * MH * 4).fill(guide),
    guideHigh: new Uint8ClampedArray(w * h * 4).fill(guide),
    width: w,
    height: h,
    radius: 1,
  };
}

describe('CpuRefiner', () => {
  it('turns a sure mask into full alpha through the edge curve', () => {
    const r = new CpuRefiner();
    expect(r.haveAlpha).toBe(false);
    expect(new Set(r.refine(input(1, 100)))).toEqual(new Set([255]));
    expect(r.haveAlpha).toBe(true);
    expect([EDGE_LUT[0], EDGE_LUT[1023]]).toEqual([0, 255]);
  });

  it('smooths a still picture over time and starts afresh after reset()', () => {
    const r = new CpuRefiner();
    r.refine(input(1, 100));
    // Same picture, the model now says background: the still-picture blend keeps part of the old mask.
    const smoothed = r.refine(input(0, 100))[0]!;
    expect(smoothed).toBeGreaterThan(0);
    expect(smoothed).toBeLessThan(255);
    r.reset();
    expect(r.refine(input(0, 100))[0]).toBe(0);
  });
});
