/**
 * Mask-weighted blur on the CPU, for the Canvas2D back end: each pixel's weight is its background share
 * (1 - alpha), so the person's colours do not bleed into the blurred background (no halo). Three running-sum
 * box passes per axis approximate a Gaussian at O(1) cost per pixel whatever the radius. Pure.
 */
export interface WeightedBlurInput {
  rgba: Uint8ClampedArray;
  /** Person alpha 0..255, one byte per pixel. */
  alpha: Uint8Array | Uint8ClampedArray;
  width: number;
  height: number;
  sigma: number;
  out?: Uint8ClampedArray;
}

const PASSES = 3;

/** Box radius whose PASSES-fold repetition has about the given sigma. */
export function boxRadius(sigma: number): number {
  const w = Math.sqrt((12 * sigma * sigma) / PASSES + 1);
  return Math.max(0, Math.round((w - 1) / 2));
}

/**
 * One running-sum box pass over a single plane, along rows (horizontal) or columns. Edges repeat the border
 * value. Planar and single-channel so the loop stays tight.
 */
function boxPass(
  src: Float32Array,
  dst: Float32Array,
  width: number,
  height: number,
  r: number,
  horizontal: boolean,
) {
  const lines = horizontal ? height : width;
  const len = horizontal ? width : height;
  const step = horizontal ? 1 : width;
  const lineStep = horizontal ? width : 1;
  const norm = 1 / (2 * r + 1);
  const last = len - 1;
  for (let line = 0; line < lines; line++) {
    const base = line * lineStep;
    let acc = 0;
    for (let k = -r; k <= r; k++) acc += src[base + Math.min(last, Math.max(0, k)) * step]!;
    for (let p = 0; p < len; p++) {
      dst[base + p * step] = acc * norm;
      const add = p + r + 1;
      const sub = p - r;
      acc += src[base + Math.min(last, add) * step]! - src[base + Math.max(0, sub) * step]!;
    }
  }
}

function blurPlane(
  plane: Float32Array,
  scratch: Float32Array,
  width: number,
  height: number,
  r: number,
): void {
  for (let pass = 0; pass < PASSES; pass++) {
    boxPass(plane, scratch, width, height, r, true);
    boxPass(scratch, plane, width, height, r, false);
  }
}

export function maskWeightedBlur(input: WeightedBlurInput): Uint8ClampedArray {
  const { rgba, alpha, width, height } = input;
  const n = width * height;
  if (rgba.length !== n * 4 || alpha.length !== n)
    throw new RangeError('maskWeightedBlur: sizes do not match');
  const out = input.out ?? new Uint8ClampedArray(n * 4);
  // Planes: background-weighted r, g, b, and the weight itself.
  const planes = [
    new Float32Array(n),
    new Float32Array(n),
    new Float32Array(n),
    new Float32Array(n),
  ] as const;
  const [pr, pg, pb, pw] = planes;
  for (let i = 0; i < n; i++) {
    const w = 1 - alpha[i]! / 255;
    const p = i * 4;
    pr[i] = rgba[p]! * w;
    pg[i] = rgba[p + 1]! * w;
    pb[i] = rgba[p + 2]! * w;
    pw[i] = w;
  }
  const r = boxRadius(input.sigma);
  if (r > 0) {
    const scratch = new Float32Array(n);
    for (const plane of planes) blurPlane(plane, scratch, width, height, r);
  }
  for (let i = 0; i < n; i++) {
    const p = i * 4;
    const w = pw[i]!;
    // Where the whole neighbourhood is person there is no background colour to show; the pixel is the
    // person's own (alpha ~ 1 there, so the compositor shows the person over it anyway).
    if (w > 0.02) {
      out[p] = pr[i]! / w;
      out[p + 1] = pg[i]! / w;
      out[p + 2] = pb[i]! / w;
    } else {
      out[p] = rgba[p]!;
      out[p + 1] = rgba[p + 1]!;
      out[p + 2] = rgba[p + 2]!;
    }
    out[p + 3] = 255;
  }
  return out;
}
