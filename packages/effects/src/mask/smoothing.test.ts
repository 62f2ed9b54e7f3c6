import { describe, expect, it } from 'vitest';
import { confidence, DEFAULT_TEMPORAL, smoothMaskInPlace, temporalFactor } from './smoothing.js';

const { stillFactor, changeLow, changeHigh } = DEFAULT_TEMPORAL;

describe('temporalFactor', () => {
  it('smooths still pixels and follows moving ones at once', () => {
    expect(temporalFactor(0)).toBe(stillFactor);
    expect(temporalFactor(0.5)).toBe(1);
    expect(temporalFactor(-0.5)).toBe(1);
  });
  it('follows a large change of the mask even where the picture is still', () => {
    expect(temporalFactor(0, changeLow / 2)).toBe(stillFactor);
    expect(temporalFactor(0, changeHigh)).toBe(1);
    expect(temporalFactor(0, -1)).toBe(1);
  });
  it('is monotonic in both the motion and the mask change', () => {
    let prev = 0;
    for (let d = 0; d <= 0.1; d += 0.005) {
      const k = temporalFactor(d);
      expect(k).toBeGreaterThanOrEqual(prev);
      prev = k;
    }
    prev = 0;
    for (let c = 0; c <= 1; c += 0.05) {
      const k = temporalFactor(0, c);
      expect(k).toBeGreaterThanOrEqual(prev);
      prev = k;
    }
  });
});

describe('confidence term', () => {
  it('smooths an uncertain estimate and follows a sure one, on a still picture with a small change', () => {
    expect(temporalFactor(0, 0.1, DEFAULT_TEMPORAL, 0.5)).toBe(stillFactor);
    expect(temporalFactor(0, 0.1, DEFAULT_TEMPORAL, 1)).toBe(1);
    expect(temporalFactor(0, 0.1, DEFAULT_TEMPORAL, 0)).toBe(1);
    expect(temporalFactor(0, 0.1, DEFAULT_TEMPORAL, 0.6)).toBeLessThan(
      temporalFactor(0, 0.1, DEFAULT_TEMPORAL, 0.9),
    );
  });
  it('is off with gamma 0 (the motion-only filter)', () => {
    const off = { ...DEFAULT_TEMPORAL, confidenceGamma: 0 };
    expect(temporalFactor(0, 0.1, off, 1)).toBe(stillFactor);
    expect(confidence(1, 0)).toBe(0);
    expect(confidence(0.75, 2)).toBeCloseTo(0.25, 6);
  });
});

describe('smoothMaskInPlace', () => {
  const frame = (v: number) => new Uint8ClampedArray(8).fill(v);
  it('passes the first frame through', () => {
    const cur = new Float32Array([1, 0]);
    expect([...smoothMaskInPlace(cur, null, frame(0), null)]).toEqual([1, 0]);
  });
  it('damps a wavering mask on a still picture', () => {
    const step = changeLow / 2;
    const prev = new Float32Array([0.5, 0.5]);
    const cur = new Float32Array([0.5 + step, 0.5 - step]);
    smoothMaskInPlace(cur, prev, frame(100), frame(100));
    // Both estimates are equally (un)sure: the same factor, well below 1.
    const k = temporalFactor(0, step, DEFAULT_TEMPORAL, 0.5 + step);
    expect(k).toBeLessThan(0.5);
    expect(cur[0]).toBeCloseTo(0.5 + k * step, 2);
    expect(cur[1]).toBeCloseTo(0.5 - k * step, 2);
  });
  it('follows a confident change on a still picture at once (no lag)', () => {
    const prev = new Float32Array([0, 1]);
    const cur = new Float32Array([1, 0]);
    smoothMaskInPlace(cur, prev, frame(100), frame(100));
    expect([...cur]).toEqual([1, 0]);
  });
  it('leaves no ghost where the picture moved', () => {
    const prev = new Float32Array([0.4, 0.6]);
    const cur = new Float32Array([0.6, 0.4]);
    smoothMaskInPlace(cur, prev, frame(200), frame(20));
    expect(cur[0]).toBeCloseTo(0.6, 5);
    expect(cur[1]).toBeCloseTo(0.4, 5);
  });
  it('agrees with temporalFactor', () => {
    for (const [p, c, a, b] of [
      [0.2, 0.5, 100, 104],
      [0.9, 0.4, 50, 60],
      [0.1, 0.3, 10, 200],
    ] as const) {
      const cur = new Float32Array([c]);
      smoothMaskInPlace(
        cur,
        new Float32Array([p]),
        new Uint8ClampedArray([b, b, b, 255]),
        new Uint8ClampedArray([a, a, a, 255]),
      );
      const k = temporalFactor((b - a) / 255, c - p, DEFAULT_TEMPORAL, c);
      expect(cur[0]).toBeCloseTo(p + k * (c - p), 2);
    }
  });
  it('rejects mismatched sizes', () => {
    expect(() => smoothMaskInPlace(new Float32Array(2), new Float32Array(3), frame(0), frame(0))).toThrow(
      RangeError,
    );
  });
});
