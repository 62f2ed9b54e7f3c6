import { describe, expect, it } from 'vitest';
import { reconnectDelayMs } from './janus-link.js';

describe('reconnectDelayMs', () => {
  it('doubles from 1 s and stays at the cap, however many attempts', () => {
    expect([0, 1, 2, 3, 4].map((n) => reconnectDelayMs(n))).toEqual([1000, 2000, 4000, 8000, 16000]);
    expect(reconnectDelayMs(5)).toBe(30_000);
    expect(reconnectDelayMs(10_000)).toBe(30_000);
    expect(reconnectDelayMs(3, 5000)).toBe(5000);
  });
});
