import { describe, expect, it } from 'vitest';
import type { Mask } from './metrics.js';
import { scoreFrame, summarize } from './score.js';

const m = (bits: number[]): Mask => ({ width: bits.length, height: 1, data: new Uint8Array(bits) });

describe('scoreFrame and summarize', () => {
  it('scores frames and averages them, flicker only where there was a previous frame', () => {
    const a = scoreFrame({ group: 'g', stem: '0', ms: 10 }, m([1, 1, 0, 0]), m([1, 1, 0, 0]), null);
    const b = scoreFrame({ group: 'g', stem: '1', ms: 20 }, m([1, 0, 0, 0]), m([1, 1, 0, 0]), {
      pred: m([1, 1, 0, 0]),
      truth: m([1, 1, 0, 0]),
    });
    expect(a.iou).toBe(1);
    expect(b.iou).toBeCloseTo(0.5);
    expect(b.flickerPct).toBeCloseTo(25);
    const s = summarize([a, b]);
    expect(s).toMatchObject({ frames: 2, iou: 0.75, flickerPct: 25, msPerFrame: 15 });
  });
});
