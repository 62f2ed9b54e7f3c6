import { describe, expect, it } from 'vitest';
import { gridLayout, MAX_TILES, tileAspect, tileCapacity, videoSlots } from './layout.js';

describe('gridLayout', () => {
  it('fills a wide screen with one tile', () => {
    expect(gridLayout(1, 1600, 900, 0)).toMatchObject({
      columns: 1,
      rows: 1,
      tileWidth: 1600,
      tileHeight: 900,
    });
  });

  it('puts two side by side on a wide screen and stacked on a tall one', () => {
    expect(gridLayout(2, 1600, 600)).toMatchObject({ columns: 2, rows: 1 });
    expect(gridLayout(2, 400, 900)).toMatchObject({ columns: 1, rows: 2 });
  });

  it('uses a 3x3 grid for nine on a 16:9 screen and never overflows', () => {
    const l = gridLayout(9, 1920, 1080);
    expect([l.columns, l.rows]).toEqual([3, 3]);
    for (let n = 1; n <= 25; n++) {
      const g = gridLayout(n, 1280, 720);
      expect(g.columns * g.rows).toBeGreaterThanOrEqual(n);
      expect(g.rowWidth).toBe(g.columns * g.tileWidth + (g.columns - 1) * 8);
      expect(g.rowWidth).toBeLessThanOrEqual(1280);
      expect(g.rows * g.tileHeight + (g.rows - 1) * 8).toBeLessThanOrEqual(720);
    }
  });

  it('gives a phone in portrait one column for up to three people', () => {
    for (const n of [1, 2, 3]) expect(gridLayout(n, 374, 680)).toMatchObject({ columns: 1, rows: n });
  });

  it('copes with no room at all and with nobody', () => {
    expect(gridLayout(0, 800, 600)).toMatchObject({ columns: 1, rows: 1 });
    expect(gridLayout(4, 0, 0)).toMatchObject({ tileWidth: 0, tileHeight: 0 });
  });
});

describe('tile aspect', () => {
  it('is portrait on a phone held upright, 16:9 elsewhere', () => {
    expect(tileAspect(390, 700)).toBe(3 / 4);
    expect(tileAspect(1280, 640)).toBe(16 / 9);
    expect(tileAspect(600, 600)).toBe(16 / 9);
    // Two people on a phone: stacked portrait tiles, each larger than a 16:9 tile in the same area.
    const portrait = gridLayout(2, 374, 680, 8, tileAspect(374, 680));
    const wide = gridLayout(2, 374, 680, 8, 16 / 9);
    expect(portrait.columns).toBe(1);
    expect(portrait.tileWidth * portrait.tileHeight).toBeGreaterThan(wide.tileWidth * wide.tileHeight);
  });
});

describe('tileCapacity and videoSlots', () => {
  it('caps a laptop at nine tiles and a phone at four', () => {
    expect(tileCapacity(1280, 640)).toBe(MAX_TILES.laptop);
    expect(tileCapacity(390, 700)).toBe(MAX_TILES.phone);
  });

  it('never offers a tile smaller than the minimum', () => {
    // 2 columns of 160 (+8 gap) and 1 row of 90 fit in 340x100.
    expect(tileCapacity(340, 100)).toBe(2);
    expect(tileCapacity(100, 50)).toBe(1);
  });

  it('shows everyone who fits, else the capacity less our tile and the "+K" tile', () => {
    expect(videoSlots(8, 9)).toBe(8);
    expect(videoSlots(9, 9)).toBe(7);
    expect(videoSlots(15, 4)).toBe(2);
    expect(videoSlots(15, 1)).toBe(1);
    expect(videoSlots(15, 9, 2)).toBe(2);
  });
});
