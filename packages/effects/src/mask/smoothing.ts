/**
 * Motion-adaptive temporal smoothing of the alpha mask. Where the picture is still, the mask moves slowly
 * toward the new estimate (cuts flicker); where the picture changes, it follows at once (no ghost trail).
 */
export interface TemporalParams {
  /** Blend factor toward the new mask where nothing moves (0 = frozen, 1 = no smoothing). */
  stillFactor: number;
  /** Luma difference (0..1) below which a pixel counts as still. */
  motionLow: number;
  /** Luma difference (0..1) above which a pixel counts as moving: factor 1. */
  motionHigh: number;
}

export const DEFAULT_TEMPORAL: TemporalParams = { stillFactor: 0.4, motionLow: 0.02, motionHigh: 0.08 };

/** The blend factor k in alpha = prev + k * (current - prev). */
export function temporalFactor(lumaDiff: number, params: TemporalParams = DEFAULT_TEMPORAL): number {
  const { stillFactor, motionLow, motionHigh } = params;
  const t = Math.min(1, Math.max(0, (Math.abs(lumaDiff) - motionLow) / (motionHigh - motionLow)));
  const s = t * t * (3 - 2 * t);
  return stillFactor + (1 - stillFactor) * s;
}

/** Rec. 601 luma of 0..1 RGB. */
export function luma(r: number, g: number, b: number): number {
  return 0.299 * r + 0.587 * g + 0.114 * b;
}

const factorLuts = new Map<TemporalParams, Float32Array>();

/** temporalFactor() tabulated for integer luma differences 0..255. */
function factorLut(params: TemporalParams): Float32Array {
  let lut = factorLuts.get(params);
  if (!lut) {
    lut = new Float32Array(256);
    for (let d = 0; d < 256; d++) lut[d] = temporalFactor(d / 255, params);
    factorLuts.set(params, lut);
  }
  return lut;
}

/**
 * CPU version for the Canvas2D path: smooths `current` in place against `previous` (same size), with luma
 * from two RGBA frames of that size. Returns `current`. `previous` null means first frame: no smoothing.
 */
export function smoothMaskInPlace(
  current: Float32Array,
  previous: Float32Array | null,
  frame: Uint8ClampedArray,
  previousFrame: Uint8ClampedArray | null,
  params: TemporalParams = DEFAULT_TEMPORAL,
): Float32Array {
  if (!previous || !previousFrame) return current;
  if (
    previous.length !== current.length ||
    frame.length !== current.length * 4 ||
    previousFrame.length !== frame.length
  ) {
    throw new RangeError('mask and frame sizes differ');
  }
  const lut = factorLut(params);
  for (let i = 0; i < current.length; i++) {
    const o = i * 4;
    // Integer Rec. 601 luma difference (weights x256, as in luma()).
    const d =
      (77 * (frame[o]! - previousFrame[o]!) +
        150 * (frame[o + 1]! - previousFrame[o + 1]!) +
        29 * (frame[o + 2]! - previousFrame[o + 2]!)) >>
      8;
    const k = lut[d < 0 ? -d : d]!;
    const p = previous[i]!;
    current[i] = p + k * (current[i]! - p);
  }
  return current;
}
