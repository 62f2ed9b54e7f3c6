import { describe, expect, it } from 'vitest';
import { MIN_OUTPUT_SHARE, outputVerdict, type VerdictInput } from './output-verdict.js';

const camera30 = 1000 / 30;
const target = 30 * MIN_OUTPUT_SHARE;
const base: VerdictInput = {
  fpsOut: 30,
  cameraIntervalMs: camera30,
  level: 0,
  lowestLevel: 3,
  frameScale: 1,
  costMs: 10,
  budgetMs: 0.8 * camera30,
};

describe('outputVerdict', () => {
  it('is null while the output keeps the share of the camera rate, even just at it', () => {
    expect(outputVerdict(base)).toBeNull();
    expect(outputVerdict({ ...base, fpsOut: target })).toBeNull();
  });

  it('is null when the camera rate is unknown (nothing to judge against)', () => {
    expect(outputVerdict({ ...base, fpsOut: 1, cameraIntervalMs: Number.NaN })).toBeNull();
  });

  it('scales the target with the camera: 15 fps out of a 15 fps camera keeps the rule', () => {
    expect(outputVerdict({ ...base, fpsOut: 15, cameraIntervalMs: 1000 / 15 })).toBeNull();
    expect(outputVerdict({ ...base, fpsOut: 12, cameraIntervalMs: 1000 / 15 })?.fpsTarget).toBeCloseTo(
      15 * MIN_OUTPUT_SHARE,
      2,
    );
  });

  it('says cpu at the cheapest level when a frame still costs more than the budget', () => {
    const v = outputVerdict({ ...base, fpsOut: target - 0.1, level: 3, costMs: 48.2 });
    expect(v).toMatchObject({ reason: 'cpu', level: 3, lowestLevel: 3, costMs: 48.2 });
    expect(v?.message).toMatch(/^output 24\.9 fps < 25\.0 fps: at the cheapest quality level \(3\)/);
    expect(v?.message).toContain('48.2 ms against a 26.7 ms budget');
  });

  it('names the reduced size at the half-resolution level', () => {
    const v = outputVerdict({ ...base, fpsOut: 10, level: 3, frameScale: 0.5, costMs: 40 });
    expect(v?.message).toContain('(3, at 50% size)');
  });

  it('says adapting while over budget above the cheapest level', () => {
    expect(outputVerdict({ ...base, fpsOut: 12, level: 1, costMs: 40 })?.reason).toBe('adapting');
  });

  it('says adapting right after a level change, before the new level has a cost', () => {
    expect(outputVerdict({ ...base, fpsOut: 12, level: 2, costMs: Number.NaN })?.reason).toBe('adapting');
  });

  it('says overhead when the effect fits its budget but the output is still short', () => {
    const v = outputVerdict({ ...base, fpsOut: 12, level: 0, costMs: 15 });
    expect(v?.reason).toBe('overhead');
    expect(v?.message).toContain('frames are lost outside the effect');
  });
});
