import { describe, expect, it } from 'vitest';
import { percentile, windowFigures } from './accounting.js';
import type { BotCounts } from './bot.js';

const bot = (
  id: string,
  sent: [number, number],
  received: Record<string, [number, number]>,
  room = 'r',
): BotCounts => ({
  participantId: id,
  room,
  sent: { audio: sent[0], video: sent[1] },
  received: Object.fromEntries(Object.entries(received).map(([k, [audio, video]]) => [k, { audio, video }])),
});

describe('windowFigures', () => {
  it('expects from each other bot what it sent in the window, and finds the worst receiver', () => {
    const before = [bot('a', [100, 200], { b: [90, 190] }), bot('b', [100, 200], { a: [95, 195] })];
    const after = [
      bot('a', [150, 300], { b: [140, 290], browser: [50, 100] }), // got all 150 of b's
      bot('b', [150, 300], { a: [130, 275] }), // got 35 + 80 = 115 of a's 150
    ];
    const f = windowFigures(before, after, 2);
    expect(f.receivedRatioMin).toBeCloseTo(115 / 150);
    expect(f.lossPct).toBeCloseTo(100 * (1 - 265 / 300));
    expect(f.packetsPerSecIn).toBe(150);
    expect(f.packetsPerSecOut).toBe(265 / 2);
    expect(f.streamsForwarded).toBe(4);
    expect(f.streamsSilent).toBe(0);
    expect(f.worstStream).toEqual({ receiver: 'b', publisher: 'a', kind: 'audio', ratio: 35 / 50 });
  });

  it('counts a bot that joined during the window from zero, and a stream that delivered nothing', () => {
    const before = [bot('a', [100, 0], {})];
    const after = [bot('a', [150, 0], { c: [0, 0] }), bot('c', [20, 0], { a: [0, 0] })];
    const f = windowFigures(before, after, 1);
    expect(f.receivedRatioMin).toBe(0);
    expect(f.streamsForwarded).toBe(2); // audio each way; nobody sent video
    expect(f.streamsSilent).toBe(2);
    expect(f.lossPct).toBe(100);
  });

  it('expects nothing from the bots of other rooms', () => {
    const after = [
      bot('a', [10, 10], { b: [10, 10] }),
      bot('b', [10, 10], { a: [10, 10] }),
      bot('c', [10, 10], { d: [5, 10] }, 'other'),
      bot('d', [10, 10], { c: [10, 10] }, 'other'),
    ];
    const f = windowFigures([], after, 1);
    expect(f.streamsForwarded).toBe(8);
    expect(f.receivedRatioMin).toBeCloseTo(15 / 20);
  });

  it('has no ratio with a single bot, and refuses an empty window', () => {
    const f = windowFigures([], [bot('a', [10, 10], {})], 1);
    expect(f.receivedRatioMin).toBeNull();
    expect(f.lossPct).toBeNull();
    expect(() => windowFigures([], [], 0)).toThrow();
  });
});

describe('percentile', () => {
  it('takes the nearest rank', () => {
    expect(percentile([5, 1, 3, 2, 4], 50)).toBe(3);
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 100], 95)).toBe(19);
    expect(percentile([7], 95)).toBe(7);
    expect(percentile([], 50)).toBeNull();
  });
});
