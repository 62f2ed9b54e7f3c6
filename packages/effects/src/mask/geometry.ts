/** Cover-crop geometry: which part of a background image fills an output frame without distortion. */
export interface CropRect {
  /** Offset and size in normalised source coordinates (0..1). */
  x: number;
  y: number;
  width: number;
  height: number;
}

/** The centred region of a `srcW x srcH` image whose aspect ratio matches `dstW x dstH`. */
export function coverCrop(srcW: number, srcH: number, dstW: number, dstH: number): CropRect {
  if (!(srcW > 0 && srcH > 0 && dstW > 0 && dstH > 0)) throw new RangeError('sizes must be > 0');
  const srcAspect = srcW / srcH;
  const dstAspect = dstW / dstH;
  if (srcAspect > dstAspect) {
    const width = dstAspect / srcAspect;
    return { x: (1 - width) / 2, y: 0, width, height: 1 };
  }
  const height = srcAspect / dstAspect;
  return { x: 0, y: (1 - height) / 2, width: 1, height };
}

/** Size of a working buffer at `scale` of the output, at least 1x1, rounded to whole pixels. */
export function scaledSize(width: number, height: number, scale: number): { width: number; height: number } {
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
}

/** The tiny size used for the privacy frame: so few pixels that no face or room can be recognised. */
export function privacySize(width: number, height: number, longSide = 12): { width: number; height: number } {
  const s = longSide / Math.max(width, height);
  return scaledSize(width, height, s);
}
