import { describe, expect, it } from 'vitest';
import { checkImageSize, clampStrength, DEFAULT_BLUR_STRENGTH, IMAGE_LIMITS, parseHexColor } from './mode.js';

describe('mode helpers', () => {
  it('parses #rrggbb only', () => {
    expect(parseHexColor('#00ff00')).toEqual([0, 1, 0]);
    expect(parseHexColor('#0f0')).toBeNull();
    expect(parseHexColor('green')).toBeNull();
  });
  it('clamps strength', () => {
    expect(clampStrength(undefined)).toBe(DEFAULT_BLUR_STRENGTH);
    expect(clampStrength(2)).toBe(1);
    expect(clampStrength(-1)).toBe(0);
  });
  it('checks image limits', () => {
    expect(checkImageSize(IMAGE_LIMITS.maxBytes + 1, null, null)).toBe('too_large_bytes');
    expect(checkImageSize(0, null, null)).toBe('empty');
    expect(checkImageSize(1000, 8193, 10)).toBe('too_large_pixels');
    expect(checkImageSize(1000, 8192, 8192)).toBeNull();
  });
});
