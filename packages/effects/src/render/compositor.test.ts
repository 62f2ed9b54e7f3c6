import { describe, expect, it } from 'vitest';
import type { ResolvedEffectMode } from '../mode.js';
import { type Composition, drawable, isRenderer, PRIVACY_FRAME } from './compositor.js';

const image = {} as ImageBitmap;
const MODES: ResolvedEffectMode[] = [
  { kind: 'none' },
  { kind: 'blur', strength: 0.5 },
  { kind: 'replace', image },
  { kind: 'remove', color: [0, 1, 0] },
];

describe('drawable: what a back end may draw', () => {
  it('draws the camera in none and the privacy frame as asked, whatever it holds', () => {
    for (const state of [
      { haveAlpha: false, haveBackground: false },
      { haveAlpha: true, haveBackground: true },
    ]) {
      expect(drawable({ kind: 'none' }, state)).toEqual({ kind: 'none' });
      expect(drawable(PRIVACY_FRAME, state)).toBe(PRIVACY_FRAME);
    }
  });

  it('falls back to the privacy frame, never the camera, when a mask or the image is missing', () => {
    const kinds = (state: { haveAlpha: boolean; haveBackground: boolean }) =>
      MODES.map((m) => drawable(m, state).kind);
    expect(kinds({ haveAlpha: false, haveBackground: true })).toEqual([
      'none',
      'privacy',
      'privacy',
      'privacy',
    ]);
    expect(kinds({ haveAlpha: true, haveBackground: false })).toEqual(['none', 'blur', 'privacy', 'remove']);
    expect(kinds({ haveAlpha: true, haveBackground: true })).toEqual(['none', 'blur', 'replace', 'remove']);
  });

  it('hands the mode on unchanged (its strength and colour are what get drawn)', () => {
    const blur: Composition = { kind: 'blur', strength: 0.25 };
    expect(drawable(blur, { haveAlpha: true, haveBackground: false })).toBe(blur);
  });
});

describe('isRenderer', () => {
  it('accepts the two back ends only (a cached choice from storage is checked with it)', () => {
    expect(isRenderer('webgl2')).toBe(true);
    expect(isRenderer('canvas2d')).toBe(true);
    for (const other of ['runtime', 'webgpu', undefined, null, 2]) expect(isRenderer(other)).toBe(false);
  });
});
