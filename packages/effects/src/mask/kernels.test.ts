import { describe, expect, it } from 'vitest';
import {
  BLUR_SIGMA_PX,
  bilateralWeight,
  blurParams,
  blurSigmaOut,
  blurWorkScale,
  gaussianWeights,
  glslFloat,
  smoothstep,
} from './kernels.js';

describe('gaussianWeights', () => {
  it('is normalised, symmetric and peaks in the middle', () => {
    const w = gaussianWeights(3, 1.5);
    expect(w).toHaveLength(7);
    expect(w.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 10);
    expect(w[0]).toBeCloseTo(w[6]!, 12);
    expect(Math.max(...w)).toBe(w[3]);
  });
  it('rejects bad input', () => {
    expect(() => gaussianWeights(-1, 1)).toThrow(RangeError);
    expect(() => gaussianWeights(2, 0)).toThrow(RangeError);
  });
});

describe('blurParams', () => {
  it('grows sigma with strength and keeps the tap count', () => {
    const weak = blurParams(0, 720, 0.5, 13);
    const strong = blurParams(1, 720, 0.5, 13);
    expect(strong.sigma).toBeGreaterThan(weak.sigma * 5);
    expect(strong.weights).toHaveLength(13);
    expect(strong.weights.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 10);
    // Taps reach about two sigmas.
    expect(strong.step * strong.radius).toBeCloseTo(2 * strong.sigma, 5);
  });
  it('clamps strength and scales with working resolution', () => {
    expect(blurParams(5, 480, 0.5, 9).sigma).toBe(blurParams(1, 480, 0.5, 9).sigma);
    expect(blurParams(1, 480, 0.25, 9).sigma).toBeCloseTo(blurParams(1, 480, 0.5, 9).sigma / 2, 5);
  });
});

describe('bilateralWeight', () => {
  it('falls with distance and with colour difference', () => {
    expect(bilateralWeight(0, 0, 1, 0.1)).toBe(1);
    expect(bilateralWeight(1, 0, 1, 0.1)).toBeLessThan(1);
    expect(bilateralWeight(0, 0.04, 1, 0.1)).toBeLessThan(bilateralWeight(0, 0.01, 1, 0.1));
  });
});

describe('helpers', () => {
  it('smoothstep clamps', () => {
    expect(smoothstep(0.25, 0.75, 0)).toBe(0);
    expect(smoothstep(0.25, 0.75, 1)).toBe(1);
    expect(smoothstep(0.25, 0.75, 0.5)).toBeCloseTo(0.5);
  });
  it('glslFloat always has a decimal point', () => {
    expect(glslFloat(1)).toBe('1.0');
    expect(glslFloat(0.25)).toBe('0.25');
    expect(glslFloat(1e-7)).toContain('.');
  });
});

describe('blurWorkScale', () => {
  it('keeps the level scale for a weak blur', () => {
    // Strength 0 at 720p: sigma 4.3 output px, 1.1 px at 0.25: already under BLUR_SIGMA_PX.
    expect(blurWorkScale(0.25, 0, 720)).toBe(0.25);
  });

  it('coarsens a strong blur down to BLUR_SIGMA_PX working pixels of sigma', () => {
    const scale = blurWorkScale(0.25, 0.6, 720);
    expect(scale).toBeLessThan(0.25);
    expect(blurSigmaOut(0.6, 720) * scale).toBeCloseTo(BLUR_SIGMA_PX, 10);
    // 1280x720 -> 148x83 instead of 320x180.
    expect(Math.round(1280 * scale)).toBe(148);
  });

  it('never goes under a quarter of the level scale, nor above it', () => {
    expect(blurWorkScale(0.25, 1, 4000)).toBe(0.25 / 4);
    for (const s of [0, 0.3, 0.6, 1])
      for (const h of [240, 480, 720, 1080]) expect(blurWorkScale(0.125, s, h)).toBeLessThanOrEqual(0.125);
  });
});
