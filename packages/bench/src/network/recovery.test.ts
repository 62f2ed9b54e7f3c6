import { describe, expect, it } from 'vitest';
import { type FrameSample, percentile, videoRecovery } from './recovery.js';

const OPTIONS = { changedAt: 1000, stallMs: 500, confirmFrames: 5 };

/** Samples every 100 ms from `from` to `to` (exclusive), frames from `frames(at)`. */
function samples(from: number, to: number, frames: (at: number) => number): FrameSample[] {
  const out: FrameSample[] = [];
  for (let at = from; at < to; at += 100) out.push({ at, frames: frames(at) });
  return out;
}

/** 15 fps with frames stopping at `stopAt` and resuming at `resumeAt` (counting on from where they stopped). */
const interrupted = (stopAt: number, resumeAt: number) => (at: number) =>
  at < stopAt
    ? Math.floor(at / 67)
    : at < resumeAt
      ? Math.floor(stopAt / 67)
      : Math.floor(stopAt / 67) + 1 + Math.floor((at - resumeAt) / 67);

describe('videoRecovery', () => {
  it('finds the stall after the change and the moment frames advance again', () => {
    const result = videoRecovery(samples(0, 8000, interrupted(1300, 4000)), OPTIONS);
    expect(result).toEqual({ state: 'back', stalledFrom: 1300, backAt: 4000, msAfterChange: 3000 });
  });

  it('says stalled while frames have not come back, or came back too few to count', () => {
    expect(videoRecovery(samples(0, 3000, interrupted(1300, 99_999)), OPTIONS)).toEqual({
      state: 'stalled',
      stalledFrom: 1300,
    });
    // Back at 4000 but only 200 ms of frames (3 frames) by the last sample: not yet confirmed.
    expect(videoRecovery(samples(0, 4200, interrupted(1300, 4000)), OPTIONS).state).toBe('stalled');
  });

  it('reports no stall when frames never stopped for stallMs (the change did not break the path)', () => {
    const result = videoRecovery(
      samples(0, 5000, (at) => Math.floor(at / 67)),
      OPTIONS,
    );
    expect(result).toEqual({ state: 'no-stall', lastAt: 4900 });
    // A 300 ms hiccup is not a stall.
    expect(videoRecovery(samples(0, 5000, interrupted(2000, 2300)), OPTIONS).state).toBe('no-stall');
  });

  it('counts from the last stall when frames come back and stop again', () => {
    const twice = (at: number) =>
      at < 3000
        ? interrupted(1300, 2500)(at)
        : interrupted(1300, 2500)(3000) + interrupted(0, 2000)(at - 3000);
    const result = videoRecovery(samples(0, 9000, twice), OPTIONS);
    expect(result).toMatchObject({ state: 'back', backAt: 5000, msAfterChange: 4000 });
  });

  it('ignores a stall that ended before the change, and waits for samples after it', () => {
    const early = samples(0, 4000, interrupted(200, 900));
    expect(videoRecovery(early, OPTIONS).state).toBe('no-stall');
    expect(
      videoRecovery(
        samples(0, 900, (at) => at),
        OPTIONS,
      ),
    ).toEqual({ state: 'waiting' });
  });
});

describe('percentile', () => {
  it('takes the nearest rank', () => {
    expect(percentile([1, 2, 3, 4, 5], 50)).toBe(3);
    expect(percentile([1, 2, 3, 4], 50)).toBe(2);
    expect(percentile([7], 95)).toBe(7);
    expect(percentile([1, 2, 3, 4, 5], 100)).toBe(5);
    expect(() => percentile([], 50)).toThrow(RangeError);
  });
});
