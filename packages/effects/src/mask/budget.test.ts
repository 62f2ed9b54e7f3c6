import { describe, expect, it } from 'vitest';
import { ADAPTIVE_LEVELS, BudgetController, QUALITY_LEVELS, shouldSegment } from './budget.js';

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

/** Feeds frames whose cost depends on the level the controller is at (a device with a cost per level). */
function feedLevels(
  c: BudgetController,
  frames: number,
  costAt: (level: number) => number,
  start = 0,
): { t: number; levels: number[] } {
  let t = start;
  const levels: number[] = [];
  for (let i = 0; i < frames; i++) {
    t += 1000 / 30;
    c.frameArrived(t);
    c.frameDone(costAt(c.snapshot().level), t);
    levels.push(c.snapshot().level);
  }
  return { t, levels };
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
    // Each level: 8 frames to settle its average, then 8 over budget.
    let t = feed(c, 16, 40);
    expect(c.snapshot().level).toBe(1);
    expect(c.quality.mirrorAverage ?? false).toBe(false);
    expect(c.quality.segmentEvery).toBe(1);
    t = feed(c, 16, 40, t);
    expect(c.snapshot().level).toBe(2);
    expect(c.quality.segmentEvery).toBe(2);
    expect(c.quality.refineScale).toBe(1);
    t = feed(c, 16, 40, t);
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
    let t = feed(c, 16, 40);
    expect(c.snapshot().level).toBe(1);
    t = feed(c, 200, 3, t);
    expect(c.snapshot().level).toBe(0);
  });
  it('is not pushed down again by the slow first frames at a new level', () => {
    const c = new BudgetController();
    let t = feed(c, 16, 40);
    expect(c.snapshot().level).toBe(1);
    // Level 1 costs 15 ms, but its first two frames take 200 ms (new buffers, recompiled loops).
    t = feed(c, 2, 200, t);
    feed(c, 60, 15, t);
    expect(c.snapshot().level).toBe(1);
  });
  it('holds a level between the target (0.4 of the interval) and the budget (0.6), steps down above it', () => {
    const c = new BudgetController();
    expect(c.snapshot().budgetMs).toBeNaN();
    let t = feed(c, 600, 17); // 30 fps: target 13.3 ms, budget 20 ms
    expect(c.snapshot().level).toBe(0);
    expect(c.snapshot().budgetMs).toBeCloseTo(20, 1);
    expect(c.snapshot().targetMs).toBeCloseTo(13.3, 1);
    t = feed(c, 30, 21, t);
    expect(c.snapshot().level).toBe(1);
    expect(c.snapshot().decisions[0]!.reason).toMatch(/> budget 20\.0 ms/);
    // 15 ms holds level 1 (above the target: no probe up) for as long as it lasts.
    t = feed(c, 3000, 15, t);
    expect(c.snapshot().level).toBe(1);
    // Under the target it probes level 0 again.
    feed(c, 200, 12, t);
    expect(c.snapshot().level).toBe(0);
    expect(c.snapshot().decisions.at(-1)!.reason).toMatch(/< target 13\.3 ms/);
  });
  it('refuses a target that is not under the headroom', () => {
    expect(() => new BudgetController({ target: 0.6 })).toThrow(RangeError);
    expect(() => new BudgetController({ target: 0 })).toThrow(RangeError);
  });
  it('uses the camera interval as budget', () => {
    const c = new BudgetController();
    feed(c, 50, 40, 0, 100); // 10 fps camera: 40 ms fits in 60 ms
    expect(c.snapshot().level).toBe(0);
    expect(c.snapshot().budgetMs).toBeCloseTo(60, 0);
    expect(c.snapshot().targetMs).toBeCloseTo(40, 0);
  });
});

describe('half resolution, the last resort', () => {
  it('comes after every quality level', () => {
    const last = ADAPTIVE_LEVELS[ADAPTIVE_LEVELS.length - 1]!;
    expect(ADAPTIVE_LEVELS.slice(0, QUALITY_LEVELS.length)).toEqual(QUALITY_LEVELS);
    expect(last.frameScale).toBe(0.5);
    expect(QUALITY_LEVELS.every((q) => (q.frameScale ?? 1) === 1)).toBe(true);
  });

  it('is reached only when the cheapest full-size level is still over budget', () => {
    const c = new BudgetController({}, ADAPTIVE_LEVELS);
    feed(c, 200, 40);
    expect(c.snapshot().level).toBe(ADAPTIVE_LEVELS.length - 1);
    expect(c.snapshot().decisions.map((d) => d.to)).toEqual([1, 2, 3, 4, 5]);
  });

  it('comes back to full size after a slow start when the full-size level fits', () => {
    // The first seconds cost 60 ms a frame (cold caches, JIT); then level 4 costs 11 ms, half size 9 ms, and
    // level 3 (30 ms) does not fit the 26.7 ms budget.
    const c = new BudgetController({}, ADAPTIVE_LEVELS);
    let t = feed(c, 100, 60);
    expect(c.snapshot().level).toBe(ADAPTIVE_LEVELS.length - 1);
    const cost = [45, 40, 35, 30, 11, 9];
    t = feedLevels(c, 900, (level) => cost[level]!, t).t;
    // Full size again, at the best level that fits (4): probes of level 3 are brief and rare.
    const { levels } = feedLevels(c, 900, (level) => cost[level]!, t);
    expect(levels.filter((l) => l === 4).length / levels.length).toBeGreaterThan(0.9);
    expect(Math.max(...levels)).toBeLessThanOrEqual(4);
  });

  it('returns to full quality after a slow start when full quality fits (640x480 on this machine)', () => {
    // A slow start pushes it down; then level 0 costs 12.5 ms: under the 20 ms budget, and the levels below it
    // under the 13.3 ms target.
    const c = new BudgetController({}, ADAPTIVE_LEVELS);
    let t = feed(c, 40, 60);
    expect(c.snapshot().level).toBeGreaterThanOrEqual(2);
    const cost = [12.5, 12, 10, 8, 7, 5];
    t = feedLevels(c, 900, (level) => cost[level]!, t).t;
    const { levels } = feedLevels(c, 900, (level) => cost[level]!, t);
    expect(levels.every((l) => l === 0)).toBe(true);
  });

  it('does not flap: a level above that does not hold is tried less and less often', () => {
    const c = new BudgetController({}, ADAPTIVE_LEVELS);
    // Full size never fits (40 ms), half size is cheap (10 ms): every probe up fails.
    const cost = [90, 80, 60, 50, 40, 10];
    const { levels } = feedLevels(c, 3600, (level) => cost[level]!);
    const probes = c
      .snapshot()
      .decisions.filter((d) => d.from === 5 && d.to === 4)
      .map((d) => d.atMs);
    // Two minutes: waits of 3, 6, 12, 24, 48, 60, 60 s at most between probes.
    expect(probes.length).toBeGreaterThanOrEqual(2);
    expect(probes.length).toBeLessThanOrEqual(7);
    for (let i = 2; i < probes.length; i++)
      expect(probes[i]! - probes[i - 1]!).toBeGreaterThan(probes[i - 1]! - probes[i - 2]! - 1);
    expect(levels.slice(-300).filter((l) => l === 5).length).toBeGreaterThan(280);
    expect(c.snapshot().upWaitFrames).toBeGreaterThan(90);
  });
});

describe('nominal interval', () => {
  it('keeps the camera rate as budget when frames reach it sparsely', () => {
    const c = new BudgetController();
    c.setNominalInterval(1000 / 30);
    // We only see every 5th frame because we are slow: 150 ms apart, 100 ms each.
    feed(c, 16, 100, 0, 150);
    expect(c.snapshot().level).toBeGreaterThan(0);
    expect(c.snapshot().budgetMs).toBeCloseTo(20, 0);
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
