import { describe, expect, it } from 'vitest';
import { presenterLayout, stageLayout } from './presenter-layout.js';

const cam = (key: string) => ({ key, source: 'camera' as const });
const share = (key: string) => ({ key, source: 'screen' as const });

describe('presenterLayout', () => {
  it('is not used while nobody shares', () => {
    expect(presenterLayout([cam('a'), cam('b')], { width: 1280, height: 720 })).toBeUndefined();
  });

  it('puts the share on the stage and the people in a strip on the right (landscape)', () => {
    const layout = presenterLayout([cam('a'), share('b:screen'), cam('b'), cam('c')], {
      width: 1280,
      height: 720,
    })!;
    expect(layout.stage).toBe('b:screen');
    expect(layout.strip).toEqual(['a', 'b', 'c']);
    expect(layout.direction).toBe('right');
    expect(layout.stageBox.width).toBeGreaterThan(3 * layout.stripTile.width);
    expect(3 * layout.stripTile.height + 2 * 8).toBeLessThanOrEqual(720);
  });

  it('puts the strip below in portrait, and fits many people in it', () => {
    const people = Array.from({ length: 15 }, (_, i) => cam(`p${i}`));
    const layout = presenterLayout([share('s'), ...people], { width: 400, height: 800 })!;
    expect(layout.direction).toBe('below');
    expect(15 * layout.stripTile.width + 14 * 8).toBeLessThanOrEqual(400);
    expect(layout.stageBox.height).toBeGreaterThan(600);
  });

  it('keeps the stage on the share already there when a second one starts, and moves on when it stops', () => {
    const two = [share('a:screen'), cam('a'), share('b:screen'), cam('b')];
    expect(presenterLayout(two, { width: 1280, height: 720 }, 8, 'a:screen')!.stage).toBe('a:screen');
    expect(presenterLayout(two, { width: 1280, height: 720 })!.stage).toBe('b:screen');
    const after = presenterLayout(
      [cam('a'), share('b:screen'), cam('b')],
      { width: 1280, height: 720 },
      8,
      'a:screen',
    );
    expect(after!.stage).toBe('b:screen');
  });

  it('gives the whole area to a share with nobody else on screen', () => {
    const layout = presenterLayout([share('s')], { width: 1000, height: 500 })!;
    expect(layout.stageBox).toEqual({ width: 1000, height: 500 });
    expect(layout.strip).toEqual([]);
  });
});

describe('stageLayout (the speaker view)', () => {
  it('puts any key on the stage and the rest in the strip, in order', () => {
    const layout = stageLayout(['a', 'b', 'c'], 'b', { width: 1000, height: 500 });
    expect(layout.stage).toBe('b');
    expect(layout.strip).toEqual(['a', 'c']);
    expect(layout.direction).toBe('right');
    expect(layout.stageBox.width).toBeGreaterThan(layout.stripTile.width * 3);
  });

  it('gives the stage the whole area when it is alone', () => {
    expect(stageLayout(['a'], 'a', { width: 400, height: 800 }).stageBox).toEqual({
      width: 400,
      height: 800,
    });
  });
});
