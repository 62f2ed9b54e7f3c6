import { describe, expect, it } from 'vitest';
import { MIN_ON_SCREEN_MS, OnScreenPicker } from './on-screen.js';

const none = new Set<string>();
const ids = ['a', 'b', 'c', 'd', 'e'];

describe('OnScreenPicker', () => {
  it('shows everyone when they fit', () => {
    const picker = new OnScreenPicker();
    expect(picker.update({ ids, speaking: none, slots: 5, nowMs: 0 }).shown).toEqual(ids);
  });

  it('fills the slots in join order before anyone speaks, the rest hidden', () => {
    const picker = new OnScreenPicker();
    const result = picker.update({ ids, speaking: none, slots: 2, nowMs: 0 });
    expect(result.shown).toEqual(['a', 'b']);
    expect(result.hidden).toEqual(['c', 'd', 'e']);
  });

  it('brings a speaker on screen in place of the least recent speaker, once its minimum time is up', () => {
    const picker = new OnScreenPicker();
    picker.update({ ids, speaking: none, slots: 2, nowMs: 0 });
    picker.update({ ids, speaking: new Set(['a']), slots: 2, nowMs: 100 });
    // Too early: b came on at 0.
    expect(picker.update({ ids, speaking: new Set(['a', 'd']), slots: 2, nowMs: 200 }).shown).toEqual([
      'a',
      'b',
    ]);
    const later = picker.update({ ids, speaking: new Set(['d']), slots: 2, nowMs: MIN_ON_SCREEN_MS });
    expect(later.shown).toEqual(['a', 'd']);
    expect(later.order.slice(0, 2)).toEqual(['d', 'a']);
  });

  it('does not swap a tile back and forth while two people alternate faster than the minimum time', () => {
    const picker = new OnScreenPicker();
    picker.update({ ids, speaking: none, slots: 1, nowMs: 0 });
    const shown: string[] = [];
    const stepMs = 500;
    const steps = 24;
    for (let i = 1; i <= steps; i++) {
      const speaker = i % 2 === 0 ? 'd' : 'e';
      shown.push(picker.update({ ids, speaking: new Set([speaker]), slots: 1, nowMs: i * stepMs }).shown[0]!);
    }
    const changes = shown.filter((s, i) => i > 0 && s !== shown[i - 1]).length;
    // Every alternation would be 23 changes; one per MIN_ON_SCREEN_MS at most is the promise.
    expect(changes).toBeGreaterThan(0);
    expect(changes).toBeLessThanOrEqual(Math.ceil((steps * stepMs) / MIN_ON_SCREEN_MS));
  });

  it('keeps the pinned participant on screen at once, whatever the speaking order', () => {
    const picker = new OnScreenPicker();
    picker.update({ ids, speaking: none, slots: 2, nowMs: 0 });
    const pinned = picker.update({ ids, speaking: none, pinned: 'e', slots: 2, nowMs: 10 });
    expect(pinned.shown).toContain('e');
    const later = picker.update({
      ids,
      speaking: new Set(['a', 'b', 'c']),
      pinned: 'e',
      slots: 2,
      nowMs: 10 * MIN_ON_SCREEN_MS,
    });
    expect(later.shown).toContain('e');
    expect(later.shown).toHaveLength(2);
  });

  it('fills a slot at once when someone on screen leaves, and drops tiles when the slots shrink', () => {
    const picker = new OnScreenPicker();
    picker.update({ ids, speaking: none, slots: 3, nowMs: 0 });
    const left = picker.update({ ids: ['b', 'c', 'd', 'e'], speaking: none, slots: 3, nowMs: 1 });
    expect(left.shown).toEqual(['b', 'c', 'd']);
    picker.update({ ids: ['b', 'c', 'd', 'e'], speaking: new Set(['d']), slots: 3, nowMs: 2 });
    const shrunk = picker.update({ ids: ['b', 'c', 'd', 'e'], speaking: new Set(['d']), slots: 1, nowMs: 3 });
    expect(shrunk.shown).toEqual(['d']);
  });

  it('shows at least one when anyone is there, and nothing for an empty room', () => {
    const picker = new OnScreenPicker();
    expect(picker.update({ ids, speaking: none, slots: 0, nowMs: 0 }).shown).toEqual(['a']);
    expect(picker.update({ ids: [], speaking: none, slots: 3, nowMs: 1 })).toEqual({
      shown: [],
      hidden: [],
      order: [],
    });
  });
});
