import { describe, expect, it } from 'vitest';
import { CpuRefiner, EDGE_LUT } from './cpu-refiner.js';
import { DEFAULT_TEMPORAL } from './smoothing.js';

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
    // Wavering by less than the mask-change band (DEFAULT_TEMPORAL.changeLow): the still-picture blend keeps
    // part of the old mask.
    const before = r.refine(input(0.6, 100))[0]!;
    const wavered = r.refine(input(0.6 - DEFAULT_TEMPORAL.changeLow / 2, 100))[0]!;
    r.reset();
    const fresh = r.refine(input(0.6 - DEFAULT_TEMPORAL.changeLow / 2, 100))[0]!;
    expect(wavered).toBeLessThan(before);
    expect(wavered).toBeGreaterThan(fresh);
  });
  it('follows a confident change on a still picture at once', () => {
    const r = new CpuRefiner();
    r.refine(input(1, 100));
    expect(r.refine(input(0, 100))[0]).toBe(0);
  });
});
