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

/** One running-sum box pass over `src` (channels interleaved) along rows (stride 1) or columns. */
function boxPass(
  src: Float32Array,
  dst: Float32Array,
  width: number,
  height: number,
  ch: number,
  r: number,
  horizontal: boolean,
) {
  const lines = horizontal ? height : width;
  const len = horizontal ? width : height;
  const step = (horizontal ? 1 : width) * ch;
  const acc = new Float64Array(ch);
  const norm = 1 / (2 * r + 1);
  for (let line = 0; line < lines; line++) {
    const base = (horizontal ? line * width : line) * ch;
    acc.fill(0);
    // Edges repeat the border pixel.
    for (let k = -r; k <= r; k++) {
      const i = base + Math.min(len - 1, Math.max(0, k)) * step;
      for (let c = 0; c < ch; c++) acc[c]! += src[i + c]!;
    }
    for (let p = 0; p < len; p++) {
      const o = base + p * step;
      for (let c = 0; c < ch; c++) dst[o + c] = acc[c]! * norm;
      const add = base + Math.min(len - 1, p + r + 1) * step;
      const sub = base + Math.max(0, p - r) * step;
      for (let c = 0; c < ch; c++) acc[c]! += src[add + c]! - src[sub + c]!;
    }
  }
}

export function maskWeightedBlur(input: WeightedBlurInput): Uint8ClampedArray {
  const { rgba, alpha, width, height } = input;
  const n = width * height;
  if (rgba.length !== n * 4 || alpha.length !== n)
    throw new RangeError('maskWeightedBlur: sizes do not match');
  const out = input.out ?? new Uint8ClampedArray(n * 4);
  // Channels: background-weighted r, g, b, the weight, and plain r, g, b (used where there is no background).
  const CH = 7;
  let a = new Float32Array(n * CH);
  let b = new Float32Array(n * CH);
  for (let i = 0; i < n; i++) {
    const w = 1 - alpha[i]! / 255;
    const o = i * CH;
    const p = i * 4;
    a[o] = rgba[p]! * w;
    a[o + 1] = rgba[p + 1]! * w;
    a[o + 2] = rgba[p + 2]! * w;
    a[o + 3] = w;
    a[o + 4] = rgba[p]!;
    a[o + 5] = rgba[p + 1]!;
    a[o + 6] = rgba[p + 2]!;
  }
  const r = boxRadius(input.sigma);
  if (r > 0) {
    for (let pass = 0; pass < PASSES; pass++) {
      boxPass(a, b, width, height, CH, r, true);
      [a, b] = [b, a];
      boxPass(a, b, width, height, CH, r, false);
      [a, b] = [b, a];
    }
  }
  for (let i = 0; i < n; i++) {
    const o = i * CH;
    const p = i * 4;
    const w = a[o + 3]!;
    if (w > 0.02) {
      out[p] = a[o]! / w;
      out[p + 1] = a[o + 1]! / w;
      out[p + 2] = a[o + 2]! / w;
    } else {
      out[p] = a[o + 4]!;
      out[p + 1] = a[o + 5]!;
      out[p + 2] = a[o + 6]!;
    }
    out[p + 3] = 255;
  }
  return out;
}
