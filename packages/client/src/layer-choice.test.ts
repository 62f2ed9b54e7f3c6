import { describe, expect, it } from 'vitest';
import { chooseLayer } from './layer-choice.js';

describe('chooseLayer', () => {
  it('takes the smallest layer that covers the tile (720p camera: 180, 360, 720 rows)', () => {
    expect(chooseLayer({ tileHeightPx: 120, sourceHeightPx: 720, visible: true })).toBe('low');
    expect(chooseLayer({ tileHeightPx: 180, sourceHeightPx: 720, visible: true })).toBe('low');
    expect(chooseLayer({ tileHeightPx: 300, sourceHeightPx: 720, visible: true })).toBe('medium');
    expect(chooseLayer({ tileHeightPx: 500, sourceHeightPx: 720, visible: true })).toBe('high');
    expect(chooseLayer({ tileHeightPx: 2000, sourceHeightPx: 720, visible: true })).toBe('high');
  });

  it('is off for a tile not on screen or without a box', () => {
    expect(chooseLayer({ tileHeightPx: 500, visible: false, current: 'high' })).toBe('off');
    expect(chooseLayer({ tileHeightPx: 0, visible: true, current: 'low' })).toBe('off');
  });

  it('assumes a 720p camera until the source height is known', () => {
    expect(chooseLayer({ tileHeightPx: 170, visible: true })).toBe('low');
    expect(chooseLayer({ tileHeightPx: 340, visible: true })).toBe('medium');
  });

  it('does not flap around a boundary: up only past 20 % upscaling, down only with 15 % to spare', () => {
    const at = (tileHeightPx: number, current: 'low' | 'medium' | 'high') =>
      chooseLayer({ tileHeightPx, sourceHeightPx: 720, visible: true, current });
    expect(at(200, 'low')).toBe('low'); // 180 rows upscaled 11 %: keep
    expect(at(217, 'low')).toBe('medium'); // upscaled more than 20 %
    expect(at(170, 'medium')).toBe('medium'); // low would cover it, with under 15 % to spare
    expect(at(150, 'medium')).toBe('low');
    expect(at(400, 'medium')).toBe('medium');
    expect(at(440, 'medium')).toBe('high');
    expect(at(330, 'high')).toBe('high');
    expect(at(300, 'high')).toBe('medium');
    // A tile swinging between 175 and 205 rows stays on one layer.
    let layer = chooseLayer({ tileHeightPx: 175, sourceHeightPx: 720, visible: true });
    const seen = new Set([layer]);
    for (const h of [205, 175, 205, 175, 205]) {
      layer = chooseLayer({ tileHeightPx: h, sourceHeightPx: 720, visible: true, current: layer });
      seen.add(layer);
    }
    expect([...seen]).toEqual(['low']);
  });

  it('goes straight to the right layer after off', () => {
    expect(chooseLayer({ tileHeightPx: 600, sourceHeightPx: 720, visible: true, current: 'off' })).toBe(
      'high',
    );
  });
});
