/** Effect modes and their validation. Pure. */
export type EffectMode =
  | { kind: 'none' }
  | { kind: 'blur'; strength?: number }
  | { kind: 'replace'; image: ImageBitmap | Blob | string }
  | { kind: 'remove'; color: string };

export type RGB = readonly [number, number, number];

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

export const DEFAULT_BLUR_STRENGTH = 0.6;

export function clampStrength(strength: number | undefined): number {
  if (strength === undefined || Number.isNaN(strength)) return DEFAULT_BLUR_STRENGTH;
  return Math.min(1, Math.max(0, strength));
}

/** Limits on user-supplied background images. */
export const IMAGE_LIMITS = { maxBytes: 20 * 1024 * 1024, maxSide: 8192 } as const;

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
