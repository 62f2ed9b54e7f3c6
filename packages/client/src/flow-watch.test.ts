import { describe, expect, it } from 'vitest';
import { FLOW_FRAMES, isFlowing } from './flow-watch.js';

describe('isFlowing', () => {
  it('video: one frame after the baseline is not flowing (a trickle frame, or the last before a stall)', () => {
    expect(isFlowing(10, 11, true)).toBe(false);
    expect(isFlowing(10, 10 + FLOW_FRAMES - 1, true)).toBe(false);
  });
  it(`video: ${FLOW_FRAMES} frames after the baseline is flowing, however slowly they came`, () => {
    expect(isFlowing(10, 10 + FLOW_FRAMES, true)).toBe(true);
  });
  it('audio: one packet after the baseline is flowing', () => {
    expect(isFlowing(10, 11, false)).toBe(true);
    expect(isFlowing(10, 10, false)).toBe(false);
  });
  it('a count that went down (a recycled receiver) is not flowing', () => {
    expect(isFlowing(10, 2, true)).toBe(false);
    expect(isFlowing(10, 2, false)).toBe(false);
  });
});
