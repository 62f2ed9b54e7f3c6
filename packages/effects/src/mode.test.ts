import { describe, expect, it, vi } from 'vitest';
import { EffectError } from './errors.js';
import {
  checkImageSize,
  clampStrength,
  DEFAULT_BLUR_STRENGTH,
  type EffectMode,
  formatMegabytes,
  IMAGE_LIMIT_TEXT,
  IMAGE_LIMITS,
  imageProblemError,
  parseHexColor,
  resolveEffectMode,
  transferablesOf,
} from './mode.js';

describe('mode helpers', () => {
  it('parses #rrggbb only', () => {
    expect(parseHexColor('#00ff00')).toEqual([0, 1, 0]);
    expect(parseHexColor('#0f0')).toBeNull();
    expect(parseHexColor('green')).toBeNull();
  });
  it('clamps strength', () => {
    expect(clampStrength(undefined)).toBe(DEFAULT_BLUR_STRENGTH);
    expect(clampStrength(Number.NaN)).toBe(DEFAULT_BLUR_STRENGTH);
    expect(clampStrength(2)).toBe(1);
    expect(clampStrength(-1)).toBe(0);
  });
  it('checks image limits', () => {
    expect(checkImageSize(IMAGE_LIMITS.maxBytes + 1, null, null)).toBe('too_large_bytes');
    expect(checkImageSize(IMAGE_LIMITS.maxBytes, null, null)).toBeNull();
    expect(checkImageSize(0, null, null)).toBe('empty');
    expect(checkImageSize(null, 0, 10)).toBe('empty');
    expect(checkImageSize(1000, IMAGE_LIMITS.maxSide + 1, 10)).toBe('too_large_pixels');
    expect(checkImageSize(1000, IMAGE_LIMITS.maxSide, IMAGE_LIMITS.maxSide)).toBeNull();
  });
});

describe('limit texts come from the limits', () => {
  it('writes the limits as the user reads them', () => {
    expect(IMAGE_LIMIT_TEXT.bytes).toBe(`${IMAGE_LIMITS.maxBytes / 1048576} MB`);
    expect(IMAGE_LIMIT_TEXT.pixels).toBe(`${IMAGE_LIMITS.maxSide}x${IMAGE_LIMITS.maxSide}`);
    expect(formatMegabytes(1.5 * 1048576)).toBe('1.5 MB');
  });
  it('names the problem, what was measured and the limit', () => {
    const bytes = imageProblemError('too_large_bytes', { bytes: IMAGE_LIMITS.maxBytes + 1048576 });
    expect(bytes.code).toBe('image_too_large');
    expect(bytes.message).toBe(
      `the image is ${formatMegabytes(IMAGE_LIMITS.maxBytes + 1048576)}; the limit is ${IMAGE_LIMIT_TEXT.bytes}`,
    );
    const pixels = imageProblemError('too_large_pixels', { width: IMAGE_LIMITS.maxSide + 1, height: 2 });
    expect(pixels.code).toBe('image_too_large');
    expect(pixels.message).toContain(`${IMAGE_LIMITS.maxSide + 1}x2 pixels`);
    expect(pixels.message).toContain(IMAGE_LIMIT_TEXT.pixels);
    expect(imageProblemError('empty', { bytes: 0 })).toMatchObject({
      code: 'invalid_image',
      message: 'the image file is empty',
    });
    expect(imageProblemError('empty', { width: 0, height: 0 })).toMatchObject({
      code: 'invalid_image',
      message: 'the image is empty',
    });
  });
});

describe('resolveEffectMode', () => {
  const bitmap = { width: 4, height: 4, close: () => undefined } as unknown as ImageBitmap;
  const noImages = () => Promise.reject(new Error('no image expected'));

  it('clamps blur, parses the colour, passes none through', async () => {
    expect(await resolveEffectMode({ kind: 'none' }, noImages)).toEqual({ kind: 'none' });
    expect(await resolveEffectMode({ kind: 'blur' }, noImages)).toEqual({
      kind: 'blur',
      strength: DEFAULT_BLUR_STRENGTH,
    });
    expect(await resolveEffectMode({ kind: 'blur', strength: 3 }, noImages)).toEqual({
      kind: 'blur',
      strength: 1,
    });
    expect(await resolveEffectMode({ kind: 'remove', color: '#ff0000' }, noImages)).toEqual({
      kind: 'remove',
      color: [1, 0, 0],
    });
  });

  it('decodes a replacement image with the loader it is given, and transfers it', async () => {
    const load = vi.fn(async () => bitmap);
    const resolved = await resolveEffectMode({ kind: 'replace', image: '/bg.jpg' }, load);
    expect(load).toHaveBeenCalledWith('/bg.jpg');
    expect(resolved).toEqual({ kind: 'replace', image: bitmap });
    expect(transferablesOf(resolved)).toEqual([bitmap]);
    expect(transferablesOf({ kind: 'blur', strength: 0.5 })).toEqual([]);
  });

  it('refuses a bad colour or an unknown kind with invalid_mode, and passes the loader error on', async () => {
    await expect(resolveEffectMode({ kind: 'remove', color: 'green' }, noImages)).rejects.toMatchObject({
      code: 'invalid_mode',
    });
    await expect(
      resolveEffectMode({ kind: 'sparkle' } as unknown as EffectMode, noImages),
    ).rejects.toMatchObject({ code: 'invalid_mode', message: 'unknown effect mode "sparkle"' });
    await expect(resolveEffectMode(null as unknown as EffectMode, noImages)).rejects.toBeInstanceOf(
      EffectError,
    );
    const tooBig = imageProblemError('too_large_pixels', { width: IMAGE_LIMITS.maxSide + 1, height: 1 });
    await expect(
      resolveEffectMode({ kind: 'replace', image: '/huge.png' }, () => Promise.reject(tooBig)),
    ).rejects.toBe(tooBig);
  });
});
