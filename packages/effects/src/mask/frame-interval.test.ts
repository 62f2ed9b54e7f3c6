import { describe, expect, it } from 'vitest';
import { FrameIntervalMeter } from './frame-interval.js';

describe('FrameIntervalMeter', () => {
  it('gives nothing until it has seen enough frames, then the interval', () => {
    const m = new FrameIntervalMeter(0.1, 5);
    for (let i = 0; i < 5; i++) m.frame(i * 33, i);
    expect(m.intervalMs()).toBeNull();
    m.frame(5 * 33, 5);
    expect(m.intervalMs()).toBeCloseTo(33, 6);
  });

  it('counts a callback that covers several frames as that many intervals', () => {
    const m = new FrameIntervalMeter(0.5, 1);
    m.frame(0, 10);
    m.frame(100, 13); // the page was busy: three frames in 100 ms
    expect(m.intervalMs()).toBeCloseTo(100 / 3, 6);
  });

  it('without a frame counter, takes one frame per callback', () => {
    const m = new FrameIntervalMeter(1, 1);
    m.frame(0);
    m.frame(40);
    expect(m.intervalMs()).toBe(40);
  });

  it('ignores pauses and repeated or backward counters', () => {
    const m = new FrameIntervalMeter(1, 1);
    m.frame(0, 0);
    m.frame(33, 1);
    m.frame(2033, 2); // a 2 s pause
    m.frame(2040, 2); // no new frame
    m.frame(2050, 1); // counter went back (element reset)
    expect(m.intervalMs()).toBe(33);
  });
});
