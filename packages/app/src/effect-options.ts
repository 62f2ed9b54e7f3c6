import type { EffectMode } from '@backdrop/effects';

/**
 * What the background picker offers, as one table: each option's key (its `data-effect`), its label and the
 * effect mode it selects. The app's choice is an `EffectMode` itself (from @backdrop/effects); this module
 * only names the app's own options (the bundled backgrounds, an upload, a colour). Pure.
 */

/** Bundled backgrounds, served from /backgrounds/<name>.jpg. */
export const BUNDLED_BACKGROUNDS = ['dusk', 'lagoon', 'nebula'] as const;
export type BundledBackground = (typeof BUNDLED_BACKGROUNDS)[number];

export function bundledBackgroundUrl(name: BundledBackground): string {
  return `/backgrounds/${name}.jpg`;
}

/** The colour `remove` starts with (a chroma-key green), in the link and in the picker. */
export const DEFAULT_REMOVE_COLOR = '#00b140';

export type EffectOptionKey = 'none' | 'blur' | `replace-${BundledBackground}` | 'upload' | 'remove';

export interface EffectOption {
  key: EffectOptionKey;
  label: string;
  /** The mode a click selects; null where the user supplies it (an uploaded file, a picked colour). */
  mode: EffectMode | null;
  /** A bundled background's picture, shown on its button. */
  thumbnail?: string;
}

export const EFFECT_OPTIONS: readonly EffectOption[] = [
  { key: 'none', label: 'None', mode: { kind: 'none' } },
  { key: 'blur', label: 'Blur', mode: { kind: 'blur' } },
  ...BUNDLED_BACKGROUNDS.map(
    (name): EffectOption => ({
      key: `replace-${name}`,
      label: name[0]!.toUpperCase() + name.slice(1),
      mode: { kind: 'replace', image: bundledBackgroundUrl(name) },
      thumbnail: bundledBackgroundUrl(name),
    }),
  ),
  { key: 'upload', label: 'Your image…', mode: null },
  { key: 'remove', label: 'Colour', mode: null },
];

/** Which option shows `mode`: a replacement that is not a bundled background is an upload. */
export function optionKeyOf(mode: EffectMode): EffectOptionKey {
  if (mode.kind !== 'replace') return mode.kind;
  const bundled = BUNDLED_BACKGROUNDS.find((name) => mode.image === bundledBackgroundUrl(name));
  return bundled ? `replace-${bundled}` : 'upload';
}

/** An image the user uploaded: the app owns that bitmap and closes it once another mode replaces it. */
export function uploadedImage(mode: EffectMode): ImageBitmap | null {
  return mode.kind === 'replace' && typeof mode.image !== 'string' && !(mode.image instanceof Blob)
    ? mode.image
    : null;
}
