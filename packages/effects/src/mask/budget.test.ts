import { describe, expect, it } from 'vitest';
import { ADAPTIVE_LEVELS, BudgetController, costGrowth, QUALITY_LEVELS, shouldSegment } from './budget.js';

function feed(
  c: BudgetController,
  frames: number,
  costMs: number,
  start = 0,
  intervalMs = 1000 / 30,
): number {
  let t = start;
  for (let i = 0; i < frames; i++) {
    t += intervalMs;
    c.frameArrived(t);
    c.frameDone(costMs, t);
  }
  return t;
}

describe('BudgetController', () => {
  it('stays at full quality when it keeps up', () => {
    const c = new BudgetController();
    feed(c, 300, 10);
    expect(c.snapshot().level).toBe(0);
    expect(c.snapshot().decisions).toHaveLength(0);
  });
  it('first drops the mirrored pass, then reuses masks on alternate frames, then cheapens refinement', () => {
    const c = new BudgetController();
    expect(c.quality.mirrorAverage).toBe(true);
    let t = feed(c, 12, 40);
    expect(c.snapshot().level).toBe(1);
    expect(c.quality.mirrorAverage ?? false).toBe(false);
    expect(c.quality.segmentEvery).toBe(1);
    t = feed(c, 12, 40, t);
    expect(c.snapshot().level).toBe(2);
    expect(c.quality.segmentEvery).toBe(2);
    expect(c.quality.refineScale).toBe(1);
    t = feed(c, 12, 40, t);
    expect(c.snapshot().level).toBeGreaterThanOrEqual(3);
    expect(c.quality.refineScale).toBeLessThan(1);
    feed(c, 100, 40, t);
    expect(c.snapshot().level).toBe(QUALITY_LEVELS.length - 1);
    expect(QUALITY_LEVELS.slice(1).every((q) => !q.mirrorAverage)).toBe(true);
    const d = c.snapshot().decisions;
    expect(d.map((x) => x.to)).toEqual([1, 2, 3, 4]);
    expect(d[0]!.reason).toMatch(/budget/);
  });
  it('ignores a short spike', () => {
    const c = new BudgetController();
    let t = feed(c, 30, 8);
    t = feed(c, 2, 200, t);
    feed(c, 30, 8, t);
    expect(c.snapshot().level).toBe(0);
  });
  it('steps back up after a long cheap stretch', () => {
    const c = new BudgetController();
    let t = feed(c, 12, 40);
    expect(c.snapshot().level).toBe(1);
    t = feed(c, 200, 3, t);
    expect(c.snapshot().level).toBe(0);
  });
  it('uses the camera interval as budget', () => {
    const c = new BudgetController();
    feed(c, 50, 40, 0, 100); // 10 fps camera: 40 ms fits in 80 ms
    expect(c.snapshot().level).toBe(0);
    expect(c.snapshot().budgetMs).toBeCloseTo(80, 0);
  });
});

describe('half resolution, the last resort', () => {
  it('comes after every quality level, and a frame there costs a quarter', () => {
    const last = ADAPTIVE_LEVELS[ADAPTIVE_LEVELS.length - 1]!;
    expect(ADAPTIVE_LEVELS.slice(0, QUALITY_LEVELS.length)).toEqual(QUALITY_LEVELS);
    expect(last.frameScale).toBe(0.5);
    expect(QUALITY_LEVELS.every((q) => (q.frameScale ?? 1) === 1)).toBe(true);
    expect(costGrowth(last, ADAPTIVE_LEVELS[ADAPTIVE_LEVELS.length - 2]!)).toBe(4);
    expect(costGrowth(QUALITY_LEVELS[1]!, QUALITY_LEVELS[0]!)).toBe(1);
  });

  it('is reached only when the cheapest full-size level is still over budget', () => {
    const c = new BudgetController({}, ADAPTIVE_LEVELS);
    feed(c, 200, 40);
    expect(c.snapshot().level).toBe(ADAPTIVE_LEVELS.length - 1);
    expect(c.snapshot().decisions.map((d) => d.to)).toEqual([1, 2, 3, 4, 5]);
  });

  it('does not flap back to full size while 4x the cost would not fit', () => {
    const c = new BudgetController({}, ADAPTIVE_LEVELS);
    let t = feed(c, 200, 40);
    // At half size a frame costs 10 ms (under half the 26.7 ms budget), but 40 ms at full size would not fit.
    t = feed(c, 300, 10, t);
    expect(c.snapshot().level).toBe(ADAPTIVE_LEVELS.length - 1);
    // When it gets much cheaper (load gone), it does go back up.
    feed(c, 300, 2, t);
    expect(c.snapshot().level).toBeLessThan(ADAPTIVE_LEVELS.length - 1);
  });
});

describe('nominal interval', () => {
  it('keeps the camera rate as budget when frames reach it sparsely', () => {
    const c = new BudgetController();
    c.setNominalInterval(1000 / 30);
    // We only see every 5th frame because we are slow: 150 ms apart, 100 ms each.
    feed(c, 12, 100, 0, 150);
    expect(c.snapshot().level).toBeGreaterThan(0);
    expect(c.snapshot().budgetMs).toBeCloseTo(26.7, 0);
  });
});

describe('shouldSegment', () => {
  it('segments every Nth frame and always without a mask', () => {
    const q = { ...QUALITY_LEVELS[2]! };
    expect(q.segmentEvery).toBe(2);
    expect([0, 1, 2, 3].map((i) => shouldSegment(i, q, true))).toEqual([true, false, true, false]);
    expect(shouldSegment(1, q, false)).toBe(true);
  });
});
