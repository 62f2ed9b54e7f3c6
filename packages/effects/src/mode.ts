import { EffectError } from './errors.js';

/**
 * The effect mode, in one place: what a caller asks for (`EffectMode`), its validation and limits, and what
 * crosses into the worker once validated (`ResolvedEffectMode`). Every other layer narrows these types; none
 * spells the union again. Pure: decoding an image is the caller's loader (`background-image.ts` in the page).
 */

/** A background image as a caller gives it: a bitmap, a file, or a same-origin URL. */
export type BackgroundImageSource = ImageBitmap | Blob | string;

/** What a caller asks for. */
export type EffectMode =
  | { kind: 'none' }
  | { kind: 'blur'; strength?: number }
  | { kind: 'replace'; image: BackgroundImageSource }
  | { kind: 'remove'; color: string };

export type EffectKind = EffectMode['kind'];

/** Every kind exactly once (the compiler checks both ways), in the order the user sees them. */
const KIND_ORDER = { none: 0, blur: 1, replace: 2, remove: 3 } as const satisfies Record<EffectKind, number>;
export const EFFECT_KINDS = Object.keys(KIND_ORDER) as readonly EffectKind[];

/** A colour as 0..1 floats. */
export type RGB = readonly [number, number, number];

/** A mode after validation: strength clamped, colour parsed, image decoded. This is what crosses into the worker. */
export type ResolvedEffectMode =
  | { kind: 'none' }
  | { kind: 'blur'; strength: number }
  | { kind: 'replace'; image: ImageBitmap }
  | { kind: 'remove'; color: RGB };

export const DEFAULT_BLUR_STRENGTH = 0.6;

export function clampStrength(strength: number | undefined): number {
  if (strength === undefined || Number.isNaN(strength)) return DEFAULT_BLUR_STRENGTH;
  return Math.min(1, Math.max(0, strength));
}

/** Parses '#rrggbb' into 0..1 floats, or returns null. */
export function parseHexColor(color: string): RGB | null {
  const m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(color);
  if (!m) return null;
  return [
    Number.parseInt(m[1]!, 16) / 255,
    Number.parseInt(m[2]!, 16) / 255,
    Number.parseInt(m[3]!, 16) / 255,
  ];
}

const MIB = 1024 * 1024;

/** Limits on user-supplied background images. */
export const IMAGE_LIMITS = { maxBytes: 20 * MIB, maxSide: 8192 } as const;

/** The limits as the user reads them: '20 MB', '8192x8192'. */
export const IMAGE_LIMIT_TEXT = {
  bytes: `${IMAGE_LIMITS.maxBytes / MIB} MB`,
  pixels: `${IMAGE_LIMITS.maxSide}x${IMAGE_LIMITS.maxSide}`,
} as const;

/** A byte count as the limit texts write it (binary megabytes, one decimal): '20.5 MB'. */
export function formatMegabytes(bytes: number): string {
  return `${(bytes / MIB).toFixed(1)} MB`;
}

export type ImageProblem = 'too_large_bytes' | 'too_large_pixels' | 'empty';

/** Checks byte size before decoding and pixel size after; returns the first problem or null. */
export function checkImageSize(
  bytes: number | null,
  width: number | null,
  height: number | null,
): ImageProblem | null {
  if (bytes !== null && bytes > IMAGE_LIMITS.maxBytes) return 'too_large_bytes';
  if (bytes === 0) return 'empty';
  if (width !== null && height !== null) {
    if (width <= 0 || height <= 0) return 'empty';
    if (width > IMAGE_LIMITS.maxSide || height > IMAGE_LIMITS.maxSide) return 'too_large_pixels';
  }
  return null;
}

/** The error for an image problem: what was measured (the file's bytes or the decoded pixels) and the limit. */
export function imageProblemError(
  problem: ImageProblem,
  measured: { bytes: number } | { width: number; height: number },
): EffectError {
  if (problem === 'empty') {
    return new EffectError(
      'invalid_image',
      'bytes' in measured ? 'the image file is empty' : 'the image is empty',
    );
  }
  if ('bytes' in measured) {
    return new EffectError(
      'image_too_large',
      `the image is ${formatMegabytes(measured.bytes)}; the limit is ${IMAGE_LIMIT_TEXT.bytes}`,
    );
  }
  return new EffectError(
    'image_too_large',
    `the image is ${measured.width}x${measured.height} pixels; the limit is ${IMAGE_LIMIT_TEXT.pixels}`,
  );
}

/** Turns a caller's image into a validated bitmap the caller owns; throws EffectError. */
export type ImageLoader = (image: BackgroundImageSource) => Promise<ImageBitmap>;

/**
 * Validates a mode and decodes its image with `loadImage`; throws EffectError ('invalid_mode', or the
 * loader's 'invalid_image' / 'image_too_large'), so the caller's current effect stays untouched.
 */
export async function resolveEffectMode(
  mode: EffectMode,
  loadImage: ImageLoader,
): Promise<ResolvedEffectMode> {
  switch (mode?.kind) {
    case 'none':
      return { kind: 'none' };
    case 'blur':
      return { kind: 'blur', strength: clampStrength(mode.strength) };
    case 'remove': {
      const color = parseHexColor(mode.color);
      if (!color)
        throw new EffectError('invalid_mode', `remove needs a colour as #rrggbb, got ${String(mode.color)}`);
      return { kind: 'remove', color };
    }
    case 'replace':
      return { kind: 'replace', image: await loadImage(mode.image) };
    default:
      throw new EffectError(
        'invalid_mode',
        `unknown effect mode ${JSON.stringify((mode as { kind?: unknown })?.kind)}`,
      );
  }
}

/** What must be transferred (not copied) with a resolved mode when it is posted to the worker. */
export function transferablesOf(mode: ResolvedEffectMode): Transferable[] {
  return mode.kind === 'replace' ? [mode.image] : [];
}
