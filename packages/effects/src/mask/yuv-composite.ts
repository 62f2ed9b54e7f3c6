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
  /** Runs by alpha row pair, shared by the three planes of one composite. */
  runCache: Map<number, Int32Array>,
): void {
  const { alpha, alphaWidth: aw, alphaHeight: ah, background: bg } = input;
  const small = bg.kind === 'small' ? bg : null;
  ensureRows(aw, small?.width ?? 0, pw);
  // Locals, not the module's scratch bindings: the hot loops below must not reload them.
  const A = rowA;
  const B = rowB;
  const back = rowOut;
  const picturePlane = bg.kind === 'picture' ? [bg.picture.y, bg.picture.u, bg.picture.v][plane]! : null;
  const colour = bg.kind === 'colour' ? bg.yuv[plane] : 0;
  if (bg.kind === 'colour') back.fill(colour, 0, pw);
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
  let lastKey = -1;
  let R: Int32Array = new Int32Array(0);
  const srcWords = wordsOf(src);
  const dstWords = wordsOf(dst);
  const pictureWords = picturePlane ? wordsOf(picturePlane) : null;
  for (let y = 0; y < ph; y++) {
    const row = y * pw;
    // The background's row is made on the first run that needs it (rows all person need none).
    let haveSmallRow = false;
    const a0 = ayI0[y]! * aw;
    const a1 = ayI1[y]! * aw;
    const wy = ayW[y]!;
    const iwy = 256 - wy;
    // Output rows between the same two alpha rows share their runs (about 3 of every 10 rows at 720p).
    const key = (a0 * 4 + (wy === 0 ? 0 : wy === 256 ? 1 : 2)) * (ah * aw + 1) + a1;
    if (key !== lastKey) {
      let found = runCache.get(key);
      if (!found) {
        found = scanRuns(alpha, aw, a0, a1, wy);
        runCache.set(key, found);
      }
      R = found;
      lastKey = key;
    }
    const pictureRow = picturePlane ? row : 0;
    const backRow = picturePlane ?? back;
    for (let r = 0; r < R.length; r += 3) {
      const i = R[r]!;
      const j = R[r + 1]!;
      const kind = R[r + 2]!;
      const x0 = firstX[i]!;
      const x1 = firstX[j + 1]!;
      if (x1 <= x0) continue;
      if (kind === COPY) {
        copySpan(srcWords, dstWords, row + x0, row + x1);
        continue;
      }
      if (small && !haveSmallRow) {
        smallRow(small, plane, y, ph, B);
        haveSmallRow = true;
      }
      if (kind === BACKGROUND) {
        if (small) backgroundSpan(B, sbStart, sbStep, dst, row, x0, x1);
        else if (pictureWords) copySpan(pictureWords, dstWords, row + x0, row + x1);
        else dst.fill(colour, row + x0, row + x1);
        continue;
      }
      // The edge band: the padded alpha row A[i..j+1] (8.8), then the blend.
      for (let k = i; k <= j + 1; k++) {
        const c = k === 0 ? 0 : k > aw ? aw - 1 : k - 1;
        A[k] = alpha[a0 + c]! * iwy + alpha[a1 + c]! * wy;
      }
      if (small) {
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
  }
}

/** A plane and a 32-bit view of its whole buffer, for copySpan. */
interface Words {
  bytes: Uint8Array;
  words: Uint32Array;
}

function wordsOf(bytes: Uint8Array): Words {
  return { bytes, words: new Uint32Array(bytes.buffer, 0, bytes.buffer.byteLength >> 2) };
}

/**
 * dst[from..to) = src[from..to) for two planes indexed alike: four bytes a step where both are word-aligned
 * alike. A subarray() and set() per run cost more than the copy here (about 1 µs a call, ~1,400 rows a frame).
 */
function copySpan(src: Words, dst: Words, from: number, to: number): void {
  const s = src.bytes;
  const d = dst.bytes;
  let i = from;
  if (to - from >= 16 && ((s.byteOffset + i) & 3) === ((d.byteOffset + i) & 3)) {
    for (; ((s.byteOffset + i) & 3) !== 0; i++) d[i] = s[i]!;
    const sw = src.words;
    const dw = dst.words;
    let a = (s.byteOffset + i) >> 2;
    let b = (d.byteOffset + i) >> 2;
    for (const end = a + ((to - i) >> 2); a < end; a++, b++) dw[b] = sw[a]!;
    i = to - ((to - i) & 3);
  }
  for (; i < to; i++) d[i] = s[i]!;
}

/** What a run of output samples is: the camera's, the background's, or a blend of the two. */
const COPY = 0;
const BACKGROUND = 1;
const BLEND = 2;
/** Classes of the padded 8.8 alpha row: all person, all background, or neither. */
const FULL = 1;
const ZERO = 2;
const MIXED = 0;

/** Scratch of scanRuns: the runs (padded alpha index i, last index j, kind) and the classes it scanned. */
let runList = new Int32Array(0);
let classes = new Uint8Array(0);

/**
 * Splits the padded alpha row between alpha rows a0 and a1 (weight wy of a1, 0..256) into runs: indices whose
 * samples, and the next one (an output sample interpolates two), are all person (COPY), all background
 * (BACKGROUND), or else BLEND. Only the classes of the samples are needed, not their 8.8 values. Returns the
 * runs, three numbers each.
 */
function scanRuns(
  alpha: Uint8Array | Uint8ClampedArray,
  aw: number,
  a0: number,
  a1: number,
  wy: number,
): Int32Array {
  if (classes.length < aw + 2) {
    classes = new Uint8Array(aw + 2);
    runList = new Int32Array(3 * (aw + 2));
  }
  const C = classes;
  // A = p·(256 - wy) + q·wy is 255·256 (or 0) exactly when each term that counts is: with both rows, when
  // p & q is 255 (or p | q is 0).
  const first = wy === 256 ? a1 : a0;
  const second = wy === 0 ? a0 : a1;
  for (let c = 0; c < aw; c++) {
    const p = alpha[first + c]!;
    const q = alpha[second + c]!;
    C[c + 1] = (p & q) === 255 ? FULL : (p | q) === 0 ? ZERO : MIXED;
  }
  C[0] = C[1]!;
  C[aw + 1] = C[aw]!;
  let n = 0;
  let i = 0;
  while (i <= aw) {
    const c = C[i]!;
    let j = i;
    if (c !== MIXED) while (j < aw && C[j + 1] === c && C[j + 2] === c) j++;
    const next = C[j + 1];
    runList[n] = i;
    runList[n + 1] = j;
    runList[n + 2] = c === FULL && next === FULL ? COPY : c === ZERO && next === ZERO ? BACKGROUND : BLEND;
    n += 3;
    i = j + 1;
  }
  return runList.slice(0, n);
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
  const runs = new Map<number, Int32Array>();
  blendPlane(input, 0, src.y, out.y, src.width, src.height, runs);
  blendPlane(input, 1, src.u, out.u, src.chromaWidth, src.chromaHeight, runs);
  blendPlane(input, 2, src.v, out.v, src.chromaWidth, src.chromaHeight, runs);
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
