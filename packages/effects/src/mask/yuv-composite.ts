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

export function axisTable(outSize: number, srcSize: number): AxisTable {
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
let rowOut = new Uint8Array(0);

function ensureRows(alphaWidth: number, planeWidth: number): void {
  if (rowA.length < alphaWidth + 2) rowA = new Int32Array(alphaWidth + 2);
  if (rowOut.length < planeWidth) rowOut = new Uint8Array(planeWidth);
}

/**
 * Source position of output sample 0 and the step per sample, 16.16 fixed point, in a row padded by one
 * sample at each end (so the clamped edge needs no branch: position 1.0 is source sample 0).
 */
export function stepping(outSize: number, srcSize: number): { start: number; step: number } {
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
  ensureRows(aw, pw);
  // Locals, not the module's scratch bindings: the hot loops below must not reload them.
  const A = rowA;
  const back = rowOut;
  const by = small ? axisTable(ph, small.height) : null;
  if (small) startWideRows(small, plane, pw);
  const dstWords = wordsOf(dst);
  const picturePlane = bg.kind === 'picture' ? [bg.picture.y, bg.picture.u, bg.picture.v][plane]! : null;
  const colour = bg.kind === 'colour' ? bg.yuv[plane] : 0;
  if (bg.kind === 'colour') back.fill(colour, 0, pw);
  if (!alpha) {
    // All background: the privacy frame (small) or a picture / colour.
    for (let y = 0; y < ph; y++) {
      const row = y * pw;
      if (small) {
        wideRowPair(by!.i0[y]!, by!.i1[y]!);
        backgroundSpan(by!.w[y]!, dstWords, row, 0, pw);
      } else if (picturePlane) dst.set(picturePlane.subarray(row, row + pw), row);
      else dst.set(back.subarray(0, pw), row);
    }
    return;
  }
  const ay = axisTable(ph, ah);
  const ayI0 = ay.i0;
  const ayI1 = ay.i1;
  const ayW = ay.w;
  // Runs of alpha-resolution samples that are all person (copy the camera) or all background (only the
  // background is computed); the blend itself runs only on the edge band.
  const firstX = runStarts(pw, aw);
  const sa = stepping(pw, aw);
  const saStart = sa.start;
  const saStep = sa.step;
  let lastKey = -1;
  let R: Int32Array = new Int32Array(0);
  const srcWords = wordsOf(src);
  const pictureWords = picturePlane ? wordsOf(picturePlane) : null;
  for (let y = 0; y < ph; y++) {
    const row = y * pw;
    // The background's rows are made on the first run that needs them (rows all person need none).
    let haveSmallRow = false;
    const wb = by ? by.w[y]! : 0;
    const iwb = 256 - wb;
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
        wideRowPair(by!.i0[y]!, by!.i1[y]!);
        haveSmallRow = true;
      }
      if (kind === BACKGROUND) {
        if (small) backgroundSpan(wb, dstWords, row, x0, x1);
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
        const r0 = wide.top;
        const r1 = wide.bottom;
        let fa = saStart + x0 * saStep;
        for (let x = x0; x < x1; x++, fa += saStep) {
          const k = fa >> 16;
          const w = (fa >> 8) & 255;
          const a = (A[k]! * (256 - w) + A[k + 1]! * w + 32768) >> 16;
          const s = src[row + x]!;
          const b = (r0[x]! * iwb + r1[x]! * wb + 128) >> 8;
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

/**
 * The small background scaled up to a plane, horizontally first: each small row is widened once to the plane's
 * width (bytes, rounded), and an output row is the two widened rows around it mixed by its vertical weight,
 * four samples a 32-bit word (two 16-bit lanes per multiply: a lane holds at most 255·256 + 128). Scaling
 * every output row horizontally anew cost about 2.2 ns a sample at 720p (bench:stages), nearly all of the
 * blur composite. Rounding the widened rows to bytes moves a sample by at most 1 from the exact bilinear
 * value (the test holds it to that). State of one plane at a time (startWideRows), kept between frames.
 */
const wide = {
  small: null as { pixels: Uint8ClampedArray; width: number; height: number } | null,
  plane: 0,
  width: 0,
  /** Two widened rows (bytes, and the same as words), the small rows they hold, and which is top/bottom. */
  rows: [new Uint8Array(0), new Uint8Array(0)],
  words: [new Uint32Array(0), new Uint32Array(0)],
  held: [-1, -1],
  top: new Uint8Array(0),
  bottom: new Uint8Array(0),
  topWords: new Uint32Array(0),
  bottomWords: new Uint32Array(0),
  i0: -1,
  i1: -1,
  padded: new Int32Array(0),
};

function startWideRows(
  small: { pixels: Uint8ClampedArray; width: number; height: number },
  plane: number,
  width: number,
): void {
  wide.small = small;
  wide.plane = plane;
  wide.width = width;
  if (wide.rows[0]!.length < width) {
    const n = (width + 3) & ~3;
    wide.rows = [new Uint8Array(n), new Uint8Array(n)];
    wide.words = wide.rows.map((r) => new Uint32Array(r.buffer));
  }
  if (wide.padded.length < small.width + 2) wide.padded = new Int32Array(small.width + 2);
  wide.held = [-1, -1];
  wide.i0 = -1;
  wide.i1 = -1;
}

/** Slot (0 or 1) holding small row r widened; made now in the slot not holding `keep` if neither holds it. */
function widen(r: number, keep: number): number {
  if (wide.held[0] === r) return 0;
  if (wide.held[1] === r) return 1;
  const slot = wide.held[0] === keep ? 1 : 0;
  wide.held[slot] = r;
  const out = wide.rows[slot]!;
  const small = wide.small!;
  const sw = small.width;
  const px = small.pixels;
  const P = wide.padded;
  const from = r * sw * 4 + wide.plane;
  for (let i = 0; i < sw; i++) P[i + 1] = px[from + i * 4]!;
  P[0] = P[1]!;
  P[sw + 1] = P[sw]!;
  const { start, step } = stepping(wide.width, sw);
  let f = start;
  for (let x = 0, n = wide.width; x < n; x++, f += step) {
    const k = f >> 16;
    const v = (f >> 8) & 255;
    out[x] = (P[k]! * (256 - v) + P[k + 1]! * v + 128) >> 8;
  }
  return slot;
}

/** Makes wide.top and wide.bottom small rows i0 and i1 widened (an output row's two). */
function wideRowPair(i0: number, i1: number): void {
  if (wide.i0 === i0 && wide.i1 === i1) return;
  const t = widen(i0, i1);
  const b = widen(i1, i0);
  wide.i0 = i0;
  wide.i1 = i1;
  wide.top = wide.rows[t]!;
  wide.bottom = wide.rows[b]!;
  wide.topWords = wide.words[t]!;
  wide.bottomWords = wide.words[b]!;
}

/** Output samples x0..x1 of a row: the widened rows mixed at vertical weight wy (0..256), rounded. */
function backgroundSpan(wy: number, dst: Words, row: number, x0: number, x1: number): void {
  const iwy = 256 - wy;
  const r0 = wide.top;
  const r1 = wide.bottom;
  const d = dst.bytes;
  let x = x0;
  // Word at a time where the output row is word-aligned like the widened rows (both start at a word).
  if (((d.byteOffset + row) & 3) === 0) {
    for (; x < x1 && (x & 3) !== 0; x++) d[row + x] = (r0[x]! * iwy + r1[x]! * wy + 128) >> 8;
    const w0 = wide.topWords;
    const w1 = wide.bottomWords;
    const D = dst.words;
    const base = (d.byteOffset + row) >> 2;
    for (let q = x >> 2, end = x1 >> 2; q < end; q++) {
      const a = w0[q]!;
      const b = w1[q]!;
      const even = ((Math.imul(a & 0xff00ff, iwy) + Math.imul(b & 0xff00ff, wy) + 0x800080) >>> 8) & 0xff00ff;
      const odd =
        (Math.imul((a >>> 8) & 0xff00ff, iwy) + Math.imul((b >>> 8) & 0xff00ff, wy) + 0x800080) & 0xff00ff00;
      D[base + q] = even | odd;
    }
    x = Math.max(x, x1 & ~3);
  }
  for (; x < x1; x++) d[row + x] = (r0[x]! * iwy + r1[x]! * wy + 128) >> 8;
}

const runCache = new Map<string, Int32Array>();

/** For each padded alpha index i (0..srcSize+1), the first output x whose left sample index is >= i. */
export function runStarts(outSize: number, srcSize: number): Int32Array {
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

/** Throws a RangeError when the composite's inputs do not fit together. */
export function checkCompositeInput(input: YuvCompositeInput): void {
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
}

/** Writes the composite into `out` (same size as `src`). */
export function compositeI420(input: YuvCompositeInput): I420 {
  checkCompositeInput(input);
  const { src, out } = input;
  const runs = new Map<number, Int32Array>();
  blendPlane(input, 0, src.y, out.y, src.width, src.height, runs);
  blendPlane(input, 1, src.u, out.u, src.chromaWidth, src.chromaHeight, runs);
  blendPlane(input, 2, src.v, out.v, src.chromaWidth, src.chromaHeight, runs);
  wide.small = null;
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
