import { describe, expect, it } from 'vitest';
import { coverCrop, privacySize, scaledSize } from './geometry.js';

describe('coverCrop', () => {
  it('crops the sides of a wider image', () => {
    const r = coverCrop(1920, 1080, 640, 480);
    expect(r.height).toBe(1);
    expect(r.width).toBeCloseTo(4 / 3 / (16 / 9));
    expect(r.x + r.width / 2).toBeCloseTo(0.5);
  });
  it('crops top and bottom of a taller image', () => {
    const r = coverCrop(1000, 2000, 1280, 720);
    expect(r.width).toBe(1);
    expect(r.height).toBeCloseTo(0.5 / (16 / 9));
    expect(r.y + r.height / 2).toBeCloseTo(0.5);
  });
  it('keeps a same-aspect image whole', () => {
    expect(coverCrop(320, 240, 640, 480)).toEqual({ x: 0, y: 0, width: 1, height: 1 });
  });
  it('rejects empty sizes', () => {
    expect(() => coverCrop(0, 1, 1, 1)).toThrow(RangeError);
  });
});

describe('sizes', () => {
  it('scales and never goes below one pixel', () => {
    expect(scaledSize(1280, 720, 0.5)).toEqual({ width: 640, height: 360 });
    expect(scaledSize(3, 3, 0.01)).toEqual({ width: 1, height: 1 });
  });
  it('privacy frames are tiny', () => {
    const s = privacySize(1280, 720);
    expect(Math.max(s.width, s.height)).toBe(12);
  });
});
