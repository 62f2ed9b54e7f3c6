import { describe, expect, it } from 'vitest';
import { STAND_IN_AFTER_MS, STAND_IN_INTERVAL_MS, standInDue, standInGapMs } from './stand-in.js';

const base = {
  now: 10_000,
  lastFrameAt: 10_000 - STAND_IN_AFTER_MS - 1,
  lastStandInAt: null,
  lastHeardAt: 10_000 - STAND_IN_AFTER_MS - 1,
  restartedAt: null,
  frameP95Ms: 40,
};

describe('stand-in frames while the worker is gone', () => {
  it('start once the output has had no frame for the gap and the worker is silent as long', () => {
    expect(standInDue(base)).toBe(true);
    expect(standInDue({ ...base, lastFrameAt: base.now - 200 })).toBe(false);
  });

  it('never before the first real frame (nothing on screen could look frozen)', () => {
    expect(standInDue({ ...base, lastFrameAt: null })).toBe(false);
  });

  it('not while the worker talks (a stopped camera keeps its last frame)', () => {
    expect(standInDue({ ...base, lastHeardAt: base.now - 100 })).toBe(false);
  });

  it('while a replaced worker has not delivered yet, even if it talks', () => {
    expect(standInDue({ ...base, lastHeardAt: base.now - 100, restartedAt: base.now - 500 })).toBe(true);
    // A frame after the restart: the new worker delivers, the gap is its own business again.
    expect(standInDue({ ...base, lastHeardAt: base.now - 100, restartedAt: base.lastFrameAt - 1 })).toBe(
      false,
    );
  });

  it('at the stand-in interval, not on every check', () => {
    expect(standInDue({ ...base, lastStandInAt: base.now - STAND_IN_INTERVAL_MS / 2 })).toBe(false);
    expect(standInDue({ ...base, lastStandInAt: base.now - STAND_IN_INTERVAL_MS })).toBe(true);
  });

  it('waits longer for a worker whose frames are slow', () => {
    expect(standInGapMs(Number.NaN)).toBe(STAND_IN_AFTER_MS);
    expect(standInGapMs(800)).toBe(2400);
    expect(standInDue({ ...base, frameP95Ms: 800 })).toBe(false);
  });
});
