import { describe, expect, it } from 'vitest';
import { scaledSize } from './frame-scaler.js';

describe('scaledSize', () => {
  it('scales to even sides', () => {
    expect(scaledSize({ width: 640, height: 480 }, 0.5)).toEqual({ width: 320, height: 240 });
    expect(scaledSize({ width: 1280, height: 720 }, 0.5)).toEqual({ width: 640, height: 360 });
    expect(scaledSize({ width: 642, height: 362 }, 0.5)).toEqual({ width: 322, height: 182 });
    expect(scaledSize({ width: 100, height: 75 }, 0.5)).toEqual({ width: 50, height: 38 });
  });

  it('never goes below 2x2', () => {
    expect(scaledSize({ width: 3, height: 1 }, 0.1)).toEqual({ width: 2, height: 2 });
  });
});
