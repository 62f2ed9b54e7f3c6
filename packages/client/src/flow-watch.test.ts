import { describe, expect, it } from 'vitest';
import { FLOW_FRAMES, FLOW_WINDOW_MS, isFlowing, SLOW_FLOW_FRAMES } from './flow-watch.js';

/** Counts sampled every 100 ms after a baseline of 10. */
const series = (counts: number[]) => [10, ...counts].map((count, i) => ({ at: i * 100, count }));

describe('isFlowing', () => {
  it('video: one frame, or a few trickle frames, is not flowing (the SFU after a move: p2p.e2e)', () => {
    expect(isFlowing(series([11, 11, 11, 11]), true)).toBe(false);
    // The failing round's shape: two frames at +500 ms, a third at +966, then a stall.
    expect(isFlowing(series([10, 10, 10, 10, 12, 12, 12, 12, 12, 13, 13, 13, 13]), true)).toBe(false);
  });
  it(`video: ${FLOW_FRAMES} frames within ${FLOW_WINDOW_MS} ms is flowing (~7 fps or more)`, () => {
    expect(isFlowing(series([11, 12, 13, 14]), true)).toBe(true);
    expect(isFlowing(series([10, 10, 10, 10, 10, 10, 10, 14]), true)).toBe(true);
  });
  it(`video: a slow but live camera flows after ${SLOW_FLOW_FRAMES} frames at any rate (1 fps: 10 s)`, () => {
    const oneFps = Array.from({ length: 101 }, (_, i) => ({ at: i * 100, count: 10 + Math.floor(i / 10) }));
    expect(isFlowing(oneFps.slice(0, 95), true)).toBe(false);
    expect(isFlowing(oneFps, true)).toBe(true);
  });
  it('audio: one packet after the baseline is flowing', () => {
    expect(isFlowing(series([11]), false)).toBe(true);
    expect(isFlowing(series([10, 10]), false)).toBe(false);
  });
  it('a count that went down (a recycled receiver) is not flowing; nothing without a sample after the baseline', () => {
    expect(isFlowing(series([2, 2]), true)).toBe(false);
    expect(isFlowing(series([2]), false)).toBe(false);
    expect(isFlowing([], true)).toBe(false);
    expect(isFlowing(series([]), true)).toBe(false);
  });
});
