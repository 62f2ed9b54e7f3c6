import { describe, expect, it } from 'vitest';
import { DEFAULT_TEMPORAL, smoothMaskInPlace, temporalFactor } from './smoothing.js';

describe('temporalFactor', () => {
  it('smooths still pixels and follows moving ones at once', () => {
    expect(temporalFactor(0)).toBe(DEFAULT_TEMPORAL.stillFactor);
    expect(temporalFactor(0.5)).toBe(1);
    expect(temporalFactor(-0.5)).toBe(1);
  });
  it('is monotonic between the thresholds', () => {
    let prev = 0;
    for (let d = 0; d <= 0.1; d += 0.005) {
      const k = temporalFactor(d);
      expect(k).toBeGreaterThanOrEqual(prev);
      prev = k;
    }
  });
});

describe('smoothMaskInPlace', () => {
  const frame = (v: number) => new Uint8ClampedArray(8).fill(v);
  it('passes the first frame through', () => {
    const cur = new Float32Array([1, 0]);
    expect([...smoothMaskInPlace(cur, null, frame(0), null)]).toEqual([1, 0]);
  });
  it('damps a flicker on a still picture', () => {
    const prev = new Float32Array([0, 1]);
    const cur = new Float32Array([1, 0]);
    smoothMaskInPlace(cur, prev, frame(100), frame(100));
    expect(cur[0]).toBeCloseTo(DEFAULT_TEMPORAL.stillFactor);
    expect(cur[1]).toBeCloseTo(1 - DEFAULT_TEMPORAL.stillFactor);
  });
  it('leaves no ghost where the picture moved', () => {
    const prev = new Float32Array([0, 1]);
    const cur = new Float32Array([1, 0]);
    smoothMaskInPlace(cur, prev, frame(200), frame(20));
    expect([...cur]).toEqual([1, 0]);
  });
  it('rejects mismatched sizes', () => {
    expect(() => smoothMaskInPlace(new Float32Array(2), new Float32Array(3), frame(0), frame(0))).toThrow(
      RangeError,
    );
  });
});
