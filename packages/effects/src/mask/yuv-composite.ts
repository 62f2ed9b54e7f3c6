/**
 * The YUV back end's per-pixel work: person over background, plane by plane, at the camera's resolution.
 * The alpha (refinement resolution) and a small background (the blurred copy or the privacy picture) are
 * upsampled bilinearly on the fly, one row at a time, so every output sample is a few integer operations.
 * Pure: typed arrays only.
 */
import type { I420 } from './yuv.js';

/** What shows behind the person. */
export type YuvBackground =
  /** Packed Y, U, V, A pixels at any size, scaled up bilinearly (the blurred background, the privacy frame). */
  | { kind: 'small'; pixels: Uint8ClampedArray; width: number; height: number }
  /** A picture at the output's size (a replacement image, converted once). */
  | { kind: 'picture'; picture: I420 }
  /** A flat colour, as Y, U, V bytes. */
  | { kind: 'colour'; yuv: readonly [number, number, number] };

export interface YuvCompositeInput {
  /** The camera picture (the person). */
  src: I420;
  /** Person alpha, one byte per pixel, 0..255, at alphaWidth x alphaHeight; null = all background. */
  alpha: Uint8Array | Uint8ClampedArray | null;
  alphaWidth: number;
  alphaHeight: number;
  background: YuvBackground;
  out: I420;
}

/** Bilinear sampling along one axis: for each output index, two source indices and the weight of the second (0..256). */
interface AxisTable {
  i0: Int32Array;
  i1: Int32Array;
  w: Int32Array;
}

const tableCache = new Map<string, AxisTable>();

function axisTable(outSize: number, srcSize: number): AxisTable {
  const key = `${outSize}:${srcSize}`;
  let t = tableCache.get(key);
  if (!t) {
    t = { i0: new Int32Array(outSize), i1: new Int32Array(outSize), w: new Int32Array(outSize) };
    for (let x = 0; x < outSize; x++) {
      const f = Math.min(srcSize - 1, Math.max(0, ((x + 0.5) * srcSize) / outSize - 0.5));
      const i = Math.floor(f);
      t.i0[x] = i;
      t.i1[x] = Math.min(srcSize - 1, i + 1);
      t.w[x] = Math.round((f - i) * 256);
    }
    if (tableCache.size > 64) tableCache.clear();
    tableCache.set(key, t);
  }
  return t;
}

/** Scratch rows, grown as needed and kept between frames (padded by one sample at each end). */
let rowA = new Int32Array(0);
let rowB = new Int32Array(0);
let rowOut = new Uint8Array(0);

function ensureRows(alphaWidth: number, smallWidth: number, planeWidth: number): void {
  if (rowA.length < alphaWidth + 2) rowA = new Int32Array(alphaWidth + 2);
  if (rowB.length < smallWidth + 2) rowB = new Int32Array(smallWidth + 2);
  if (rowOut.length < planeWidth) rowOut = new Uint8Array(planeWidth);
}

/**
 * Source position of output sample 0 and the step per sample, 16.16 fixed point, in a row padded by one
 * sample at each end (so the clamped edge needs no branch: position 1.0 is source sample 0).
 */
function stepping(outSize: number, srcSize: number): { start: number; step: number } {
  const ratio = srcSize / outSize;
  return { start: Math.round((0.5 * ratio + 0.5) * 65536), step: Math.round(ratio * 65536) };
}

/** Upsamples a padded 8.8 fixed-point row (values 0..65280) to `n` bytes. */
function upsampleRow(padded: Int32Array, srcSize: number, out: Uint8Array, n: number): void {
  padded[0] = padded[1]!;
  padded[srcSize + 1] = padded[srcSize]!;
  const { start, step } = stepping(n, srcSize);
  let f = start;
  for (let x = 0; x < n; x++) {
    const i = f >> 16;
    const w = (f >> 8) & 255;
    out[x] = (padded[i]! * (256 - w) + padded[i + 1]! * w + 32768) >> 16;
    f += step;
  }
}

function blendPlane(
  input: YuvCompositeInput,
  plane: 0 | 1 | 2,
  src: Uint8Array,
  dst: Uint8Array,
  pw: number,
  ph: number,
): void {
  const { alpha, alphaWidth: aw, alphaHeight: ah, background: bg } = input;
  const small = bg.kind === 'small' ? bg : null;
  ensureRows(aw, small?.width ?? 0, pw);
  // Locals, not the module's scratch bindings: the hot loops below must not reload them.
  const A = rowA;
  const B = rowB;
  const back = rowOut;
  const picturePlane = bg.kind === 'picture' ? [bg.picture.y, bg.picture.u, bg.picture.v][plane]! : null;
  if (bg.kind === 'colour') back.fill(bg.yuv[plane], 0, pw);
  if (!alpha) {
    // All background: the privacy frame (small) or a picture / colour.
    for (let y = 0; y < ph; y++) {
      const row = y * pw;
      if (small) {
        smallRow(small, plane, y, ph, B);
        const { start, step } = stepping(pw, small.width);
        backgroundSpan(B, start, step, dst, row, 0, pw);
      } else if (picturePlane) dst.set(picturePlane.subarray(row, row + pw), row);
      else dst.set(back.subarray(0, pw), row);
    }
    return;
  }
  const ay = axisTable(ph, ah);
  const ayI0 = ay.i0;
  const ayI1 = ay.i1;
  const ayW = ay.w;
  const sw = small?.width ?? 0;
  const sb = small ? stepping(pw, sw) : { start: 0, step: 0 };
  const sbStart = sb.start;
  const sbStep = sb.step;
  // Runs of alpha-resolution samples that are all person (copy the camera) or all background (only the
  // background is computed); the blend itself runs only on the edge band.
  const firstX = runStarts(pw, aw);
  const sa = stepping(pw, aw);
  const saStart = sa.start;
  const saStep = sa.step;
  const full = 255 * 256;
  for (let y = 0; y < ph; y++) {
    const row = y * pw;
    if (small) smallRow(small, plane, y, ph, B);
    const a0 = ayI0[y]! * aw;
    const a1 = ayI1[y]! * aw;
    const wy = ayW[y]!;
    const iwy = 256 - wy;
    for (let i = 0; i < aw; i++) A[i + 1] = alpha[a0 + i]! * iwy + alpha[a1 + i]! * wy;
    A[0] = A[1]!;
    A[aw + 1] = A[aw]!;
    const pictureRow = picturePlane ? row : 0;
    const backRow = picturePlane ?? back;
    let i = 0;
    while (i <= aw) {
      const value = A[i]!;
      let j = i;
      if (value === full || value === 0) while (j < aw && A[j + 1] === value && A[j + 2] === value) j++;
      const x0 = firstX[i]!;
      const x1 = firstX[j + 1]!;
      if (x1 > x0) {
        if (value === full && A[j + 1] === value) {
          dst.set(src.subarray(row + x0, row + x1), row + x0);
        } else if (value === 0 && A[j + 1] === 0) {
          if (small) backgroundSpan(B, sbStart, sbStep, dst, row, x0, x1);
          else dst.set(backRow.subarray(pictureRow + x0, pictureRow + x1), row + x0);
        } else if (small) {
          let fa = saStart + x0 * saStep;
          let f = sbStart + x0 * sbStep;
          for (let x = x0; x < x1; x++, fa += saStep, f += sbStep) {
            const k = fa >> 16;
            const w = (fa >> 8) & 255;
            const a = (A[k]! * (256 - w) + A[k + 1]! * w + 32768) >> 16;
            const s = src[row + x]!;
            const m = f >> 16;
            const v = (f >> 8) & 255;
            const b = (B[m]! * (256 - v) + B[m + 1]! * v + 32768) >> 16;
            dst[row + x] = b + (((s - b) * a * 257 + 32768) >> 16);
          }
        } else {
          let fa = saStart + x0 * saStep;
          for (let x = x0; x < x1; x++, fa += saStep) {
            const k = fa >> 16;
            const w = (fa >> 8) & 255;
            const a = (A[k]! * (256 - w) + A[k + 1]! * w + 32768) >> 16;
            const s = src[row + x]!;
            const b = backRow[pictureRow + x]!;
            dst[row + x] = b + (((s - b) * a * 257 + 32768) >> 16);
          }
        }
      }
      i = j + 1;
    }
  }
}

/** The small background's row for output row y of a plane ph rows high, vertically interpolated (8.8), padded. */
function smallRow(
  small: { pixels: Uint8ClampedArray; width: number; height: number },
  plane: number,
  y: number,
  ph: number,
  B: Int32Array,
): void {
  const by = axisTable(ph, small.height);
  const sw = small.width;
  const px = small.pixels;
  const r0 = by.i0[y]! * sw * 4 + plane;
  const r1 = by.i1[y]! * sw * 4 + plane;
  const wy = by.w[y]!;
  const iwy = 256 - wy;
  for (let i = 0; i < sw; i++) B[i + 1] = px[r0 + i * 4]! * iwy + px[r1 + i * 4]! * wy;
  B[0] = B[1]!;
  B[sw + 1] = B[sw]!;
}

/**
 * Output samples x0..x1 of a row, interpolated horizontally from a padded 8.8 background row. Walked one source
 * interval at a time: within it the two neighbours are fixed, so a sample is one multiply-add of the interval's
 * slope by the position (b0·(256 - v) + b1·v = 256·b0 + (b1 - b0)·v, the same integers as sampling each anew).
 */
function backgroundSpan(
  B: Int32Array,
  start: number,
  step: number,
  dst: Uint8Array,
  row: number,
  x0: number,
  x1: number,
): void {
  let f = start + x0 * step;
  let x = row + x0;
  const end = row + x1;
  while (x < end) {
    const k = f >> 16;
    const b0 = B[k]!;
    const d = B[k + 1]! - b0;
    const base = 256 * b0 + 32768;
    const k256 = k << 8;
    // The samples whose position still falls in [k, k + 1).
    let stop = x + Math.ceil((((k + 1) << 16) - f) / step);
    if (stop > end) stop = end;
    // (f >> 8) - k256 is (f >> 8) & 255 here: the weight of the right neighbour.
    for (; x < stop; x++, f += step) dst[x] = (base + d * ((f >> 8) - k256)) >> 16;
  }
}

const runCache = new Map<string, Int32Array>();

/** For each padded alpha index i (0..srcSize+1), the first output x whose left sample index is >= i. */
function runStarts(outSize: number, srcSize: number): Int32Array {
  const key = `${outSize}:${srcSize}`;
  let t = runCache.get(key);
  if (!t) {
    t = new Int32Array(srcSize + 3).fill(outSize);
    const { start, step } = stepping(outSize, srcSize);
    let f = start;
    for (let x = 0; x < outSize; x++, f += step) {
      const i = f >> 16;
      for (let k = i; k >= 0 && t[k] === outSize; k--) t[k] = x;
    }
    if (runCache.size > 64) runCache.clear();
    runCache.set(key, t);
  }
  return t;
}

/** Writes the composite into `out` (same size as `src`). */
export function compositeI420(input: YuvCompositeInput): I420 {
  const { src, out, background } = input;
  if (out.width !== src.width || out.height !== src.height)
    throw new RangeError('compositeI420: output size differs from the source');
  if (
    background.kind === 'picture' &&
    (background.picture.width !== src.width || background.picture.height !== src.height)
  )
    throw new RangeError('compositeI420: background picture size differs from the source');
  if (input.alpha && input.alpha.length !== input.alphaWidth * input.alphaHeight)
    throw new RangeError('compositeI420: alpha size does not match');
  if (background.kind === 'small' && background.pixels.length !== background.width * background.height * 4)
    throw new RangeError('compositeI420: background size does not match');
  blendPlane(input, 0, src.y, out.y, src.width, src.height);
  blendPlane(input, 1, src.u, out.u, src.chromaWidth, src.chromaHeight);
  blendPlane(input, 2, src.v, out.v, src.chromaWidth, src.chromaHeight);
  return out;
}

/**
 * Darkens packed Y, U, V pixels in place as the other back ends darken the privacy frame (half the picture
 * under a dark grey): luma halved toward black, chroma halved toward grey.
 */
export function darkenPackedYuv(pixels: Uint8ClampedArray, fullRange: boolean): void {
  const black = fullRange ? 0 : 16;
  // RGB' = RGB / 2 + 15.5 (a 50 % layer of rgb(31,31,31)) is, in luma, Y' = (Y + black) / 2 + 15.5 * scale.
  const lift = 15.5 * (fullRange ? 1 : 219 / 255);
  for (let i = 0; i < pixels.length; i += 4) {
    pixels[i] = (pixels[i]! + black) / 2 + lift;
    pixels[i + 1] = 128 + (pixels[i + 1]! - 128) / 2;
    pixels[i + 2] = 128 + (pixels[i + 2]! - 128) / 2;
  }
}

/** One byte-per-pixel plane scaled up (or down) bilinearly, with the same sampling as the composite. */
export function upsamplePlane(
  plane: Uint8Array | Uint8ClampedArray,
  pw: number,
  ph: number,
  width: number,
  height: number,
): Uint8Array {
  if (plane.length !== pw * ph) throw new RangeError('upsamplePlane: size does not match');
  const out = new Uint8Array(width * height);
  const ay = axisTable(height, ph);
  const padded = new Int32Array(pw + 2);
  const row = new Uint8Array(width);
  for (let y = 0; y < height; y++) {
    const a0 = ay.i0[y]! * pw;
    const a1 = ay.i1[y]! * pw;
    const wy = ay.w[y]!;
    for (let i = 0; i < pw; i++) padded[i + 1] = plane[a0 + i]! * (256 - wy) + plane[a1 + i]! * wy;
    upsampleRow(padded, pw, row, width);
    out.set(row, y * width);
  }
  return out;
}
