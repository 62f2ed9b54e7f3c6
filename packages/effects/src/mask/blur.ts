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
 * One running-sum box pass along each row of a single plane. Edges repeat the border value; the clamping is
 * done only near the ends, so the middle of the row is one add and one subtract per sample.
 */
function boxPassRows(src: Float32Array, dst: Float32Array, width: number, height: number, r: number) {
  const norm = 1 / (2 * r + 1);
  const last = width - 1;
  for (let base = 0, end = width * height; base < end; base += width) {
    let acc = 0;
    for (let k = -r; k <= r; k++) acc += src[base + Math.min(last, Math.max(0, k))]!;
    // Samples whose window lies inside the row on both sides need no clamping.
    const safeStart = Math.min(width, r);
    const safeEnd = Math.max(safeStart, width - r - 1);
    let p = 0;
    for (; p < safeStart; p++) {
      dst[base + p] = acc * norm;
      acc += src[base + Math.min(last, p + r + 1)]! - src[base + Math.max(0, p - r)]!;
    }
    for (; p < safeEnd; p++) {
      dst[base + p] = acc * norm;
      acc += src[base + p + r + 1]! - src[base + p - r]!;
    }
    for (; p < width; p++) {
      dst[base + p] = acc * norm;
      acc += src[base + Math.min(last, p + r + 1)]! - src[base + Math.max(0, p - r)]!;
    }
  }
}

/**
 * The same pass down the columns, walked row by row (one running sum per column), so memory is read in order.
 * Each column's sums are added in the same order as a column-by-column walk: the result is identical.
 */
function boxPassColumns(
  src: Float32Array,
  dst: Float32Array,
  width: number,
  height: number,
  r: number,
  acc: Float64Array,
) {
  const norm = 1 / (2 * r + 1);
  const last = height - 1;
  acc.fill(0, 0, width);
  for (let k = -r; k <= r; k++) {
    const row = Math.min(last, Math.max(0, k)) * width;
    for (let x = 0; x < width; x++) acc[x] = acc[x]! + src[row + x]!;
  }
  for (let p = 0; p < height; p++) {
    const out = p * width;
    const add = Math.min(last, p + r + 1) * width;
    const sub = Math.max(0, p - r) * width;
    for (let x = 0; x < width; x++) {
      const a = acc[x]!;
      dst[out + x] = a * norm;
      acc[x] = a + (src[add + x]! - src[sub + x]!);
    }
  }
}

/** Scratch planes kept between calls (one size at a time: the blur runs at one size per quality level). */
let scratchPlanes: Float32Array[] = [];
let scratchAcc = new Float64Array(0);

function planesFor(n: number, width: number): Float32Array[] {
  if (scratchPlanes[0]?.length !== n) scratchPlanes = Array.from({ length: 5 }, () => new Float32Array(n));
  if (scratchAcc.length < width) scratchAcc = new Float64Array(width);
  return scratchPlanes;
}

function blurPlane(
  plane: Float32Array,
  scratch: Float32Array,
  width: number,
  height: number,
  r: number,
  acc: Float64Array,
): void {
  for (let pass = 0; pass < PASSES; pass++) {
    boxPassRows(plane, scratch, width, height, r);
    boxPassColumns(scratch, plane, width, height, r, acc);
  }
}

export function maskWeightedBlur(input: WeightedBlurInput): Uint8ClampedArray {
  const { rgba, alpha, width, height } = input;
  const n = width * height;
  if (rgba.length !== n * 4 || alpha.length !== n)
    throw new RangeError('maskWeightedBlur: sizes do not match');
  const out = input.out ?? new Uint8ClampedArray(n * 4);
  // Planes: background-weighted r, g, b, and the weight itself.
  const [pr, pg, pb, pw, scratch] = planesFor(n, width) as [
    Float32Array,
    Float32Array,
    Float32Array,
    Float32Array,
    Float32Array,
  ];
  for (let i = 0; i < n; i++) {
    const w = 1 - alpha[i]! / 255;
    const p = i * 4;
    pr[i] = rgba[p]! * w;
    pg[i] = rgba[p + 1]! * w;
    pb[i] = rgba[p + 2]! * w;
    pw[i] = w;
  }
  const r = boxRadius(input.sigma);
  if (r > 0) for (const plane of [pr, pg, pb, pw]) blurPlane(plane, scratch, width, height, r, scratchAcc);
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
