import { describe, expect, it, vi } from 'vitest';
import {
  BUNDLED_BACKGROUNDS,
  bundledBackgroundUrl,
  EFFECT_OPTIONS,
  optionKeyOf,
  uploadedImage,
} from './effect-options.js';
import { parseParams } from './params.js';

describe('effect options', () => {
  it('lists every option once, in picker order, with the data-effect keys scripts use', () => {
    expect(EFFECT_OPTIONS.map((o) => o.key)).toEqual([
      'none',
      'blur',
      ...BUNDLED_BACKGROUNDS.map((b) => `replace-${b}`),
      'upload',
      'remove',
    ]);
    expect(EFFECT_OPTIONS.map((o) => o.label)).toEqual([
      'None',
      'Blur',
      'Dusk',
      'Lagoon',
      'Nebula',
      'Your image…',
      'Colour',
    ]);
  });

  it('maps every fixed option back to its own key', () => {
    for (const option of EFFECT_OPTIONS) if (option.mode) expect(optionKeyOf(option.mode)).toBe(option.key);
  });

  it('a link and the picker name the same option', () => {
    for (const name of BUNDLED_BACKGROUNDS) {
      const { effect } = parseParams(`?effect=replace&background=${name}`);
      expect(effect && optionKeyOf(effect)).toBe(`replace-${name}`);
    }
    expect(optionKeyOf(parseParams('?effect=remove').effect!)).toBe('remove');
    expect(parseParams('?effect=remove').effect).toEqual({ kind: 'remove', color: '#00b140' });
  });

  it('treats any other image as an upload, and only an uploaded bitmap as the app’s to close', () => {
    const bitmap = { width: 1, height: 1, close: vi.fn() } as unknown as ImageBitmap;
    expect(optionKeyOf({ kind: 'replace', image: bitmap })).toBe('upload');
    expect(optionKeyOf({ kind: 'replace', image: '/elsewhere.jpg' })).toBe('upload');
    expect(uploadedImage({ kind: 'replace', image: bitmap })).toBe(bitmap);
    expect(uploadedImage({ kind: 'replace', image: bundledBackgroundUrl('dusk') })).toBeNull();
    expect(uploadedImage({ kind: 'replace', image: new Blob([]) })).toBeNull();
    expect(uploadedImage({ kind: 'blur' })).toBeNull();
  });
});
