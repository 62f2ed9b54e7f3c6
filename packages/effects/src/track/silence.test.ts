import { describe, expect, it } from 'vitest';
import { silenceLimitMs, WORKER_SILENCE_MS } from './background-effect.js';

describe('silenceLimitMs', () => {
  it('is the fixed limit while frames are quick or unknown', () => {
    expect(silenceLimitMs(null)).toBe(WORKER_SILENCE_MS);
    expect(silenceLimitMs({ msPerFrameP95: 40 })).toBe(WORKER_SILENCE_MS);
    expect(silenceLimitMs({ msPerFrameP95: Number.NaN })).toBe(WORKER_SILENCE_MS);
  });
  it('waits five slow frames where frames take seconds', () => {
    expect(silenceLimitMs({ msPerFrameP95: 3400 })).toBe(17_000);
    expect(silenceLimitMs({ msPerFrameP95: 500 })).toBe(WORKER_SILENCE_MS);
  });
});
