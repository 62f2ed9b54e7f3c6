/**
 * Planar YUV 4:2:0 (I420) pictures and the conversions the YUV back end needs: box downsampling into a small
 * packed buffer, YUV <-> RGB at small sizes, NV12 to I420. Camera frames arrive in YUV and encoders want YUV,
 * so working in it skips two full-resolution colour conversions per frame. Pure: typed arrays only.
 */
import { packedRgbToI420 } from './rgb-i420.js';

/** An I420 picture in one tight buffer: Y (width x height), then U and V (chromaWidth x chromaHeight). */
export interface I420 {
  readonly width: number;
  readonly height: number;
  readonly chromaWidth: number;
  readonly chromaHeight: number;
  readonly data: Uint8Array;
  readonly y: Uint8Array;
  readonly u: Uint8Array;
  readonly v: Uint8Array;
}

export function createI420(width: number, height: number): I420 {
  if (!(Number.isInteger(width) && Number.isInteger(height) && width > 0 && height > 0))
    throw new RangeError(`bad picture size ${width}x${height}`);
  return i420View(new Uint8Array(i420Bytes(width, height)), width, height);
}

/** Bytes of an I420 picture of this size: the luma plane and two chroma planes of half size, rounded up. */
export function i420Bytes(width: number, height: number): number {
  return width * height + 2 * ((width + 1) >> 1) * ((height + 1) >> 1);
}

/** An I420 picture over `data` (at least i420Bytes long): the planes are views into it, in Y, U, V order. */
export function i420View(data: Uint8Array, width: number, height: number): I420 {
  const chromaWidth = (width + 1) >> 1;
  const chromaHeight = (height + 1) >> 1;
  const luma = width * height;
  const chroma = chromaWidth * chromaHeight;
  return {
    width,
    height,
    chromaWidth,
    chromaHeight,
    data,
    y: data.subarray(0, luma),
    u: data.subarray(luma, luma + chroma),
    v: data.subarray(luma + chroma, luma + 2 * chroma),
  };
}

/** Colour matrix (luma weights of R and B) and range of a YUV picture. */
export interface YuvColour {
  kr: number;
  kb: number;
  fullRange: boolean;
}

export const BT601: YuvColour = { kr: 0.299, kb: 0.114, fullRange: false };
export const BT709: YuvColour = { kr: 0.2126, kb: 0.0722, fullRange: false };

/** The matrix named by a VideoColorSpace (`matrix`, `fullRange`); BT.601 when unknown. */
export function yuvColour(
  matrix: string | null | undefined,
  fullRange: boolean | null | undefined,
): YuvColour {
  const base = matrix === 'bt709' ? BT709 : BT601;
  return { ...base, fullRange: fullRange === true };
}

/** One RGB colour (0..255) as Y, U, V bytes. */
export function rgbToYuv(r: number, g: number, b: number, c: YuvColour): [number, number, number] {
  const kg = 1 - c.kr - c.kb;
  const l = (c.kr * r + kg * g + c.kb * b) / 255;
  const pb = (b / 255 - l) / (2 * (1 - c.kb));
  const pr = (r / 255 - l) / (2 * (1 - c.kr));
  const clamp = (x: number) => Math.min(255, Math.max(0, Math.round(x)));
  if (c.fullRange) return [clamp(l * 255), clamp(128 + pb * 255), clamp(128 + pr * 255)];
  return [clamp(16 + l * 219), clamp(128 + pb * 224), clamp(128 + pr * 224)];
}

/**
 * Per-axis box edges: output index i averages source indices t[i] up to t[i+1] (exclusive). Where the output
 * is larger than the source (a 640x480 picture's 320x240 chroma to a 384x288 guide), a box can be empty: the
 * users take the one sample at min(t[i], srcSize - 1) then (nearest). Pushing the next edge on instead, as
 * this did, drifted: the last sixth of such a guide's chroma was past the plane and came out 0.
 */
export function boxTable(outSize: number, srcSize: number): Int32Array {
  const t = new Int32Array(outSize + 1);
  for (let i = 0; i <= outSize; i++) t[i] = Math.round((i * srcSize) / outSize);
  return t;
}

/**
 * Box-averages one plane into channel `channel` of a `step`-byte-per-pixel buffer of outW x outH (step 4: packed
 * Y, U, V, A; step 1: a plane).
 */
function boxPlane(
  plane: Uint8Array | Uint8ClampedArray,
  pw: number,
  ph: number,
  out: Uint8ClampedArray,
  outW: number,
  outH: number,
  channel: number,
  step = 4,
): void {
  const xs = boxTable(outW, pw);
  const ys = boxTable(outH, ph);
  if (columnSums.length < pw) columnSums = new Int32Array(pw);
  const sums = columnSums;
  // Four samples a read where the rows are whole 32-bit words and a box's sums fit 16 bits (257 rows of 255).
  const words =
    LITTLE_ENDIAN && pw % 4 === 0 && plane.byteOffset % 4 === 0 && Math.ceil(ph / outH) + 1 <= 257
      ? new Uint32Array(plane.buffer, plane.byteOffset, (pw * ph) >> 2)
      : null;
  for (let oy = 0; oy < outH; oy++) {
    const y0 = Math.min(ys[oy]!, ph - 1);
    const y1 = Math.min(ph, Math.max(y0 + 1, ys[oy + 1]!));
    // Down the rows first, every source sample once in order (a tight loop), then across the sums: the
    // horizontal boxes then read pw sums per output row instead of pw samples per source row.
    if (words) columnSumsByWords(words, pw, y0, y1, sums);
    else {
      let row = y0 * pw;
      for (let x = 0; x < pw; x++) sums[x] = plane[row + x]!;
      for (let y = y0 + 1; y < y1; y++) {
        row += pw;
        for (let x = 0; x < pw; x++) sums[x] = sums[x]! + plane[row + x]!;
      }
    }
    const rows = y1 - y0;
    let o = oy * outW * step + channel;
    for (let ox = 0; ox < outW; ox++, o += step) {
      const x0 = Math.min(xs[ox]!, pw - 1);
      const x1 = Math.max(x0 + 1, xs[ox + 1]!);
      let sum = 0;
      for (let x = x0; x < x1; x++) sum += sums[x]!;
      const n = rows * (x1 - x0);
      out[o] = n > 0 ? sum / n : 0;
    }
  }
}

/** Whether 32-bit words hold their bytes lowest first (columnSumsByWords's lanes assume so). */
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** Column sums of boxPlane, kept between calls. */
let columnSums = new Int32Array(0);
let laneSums = { even: new Int32Array(0), odd: new Int32Array(0) };

/**
 * sums[x] = the samples of column x over rows y0..y1-1 of a plane read as little-endian 32-bit words (pw a
 * multiple of 4): two 16-bit lanes per word, bytes 0 and 2 in one sum and 1 and 3 in the other, so one read
 * and two masks add four samples (SIMD within a register). Every lane stays under 65536 for up to 257 rows.
 */
function columnSumsByWords(words: Uint32Array, pw: number, y0: number, y1: number, sums: Int32Array): void {
  const q = pw >> 2;
  if (laneSums.even.length < q) laneSums = { even: new Int32Array(q), odd: new Int32Array(q) };
  const { even, odd } = laneSums;
  let row = y0 * q;
  for (let x = 0; x < q; x++) {
    const w = words[row + x]!;
    even[x] = w & 0xff00ff;
    odd[x] = (w >>> 8) & 0xff00ff;
  }
  for (let y = y0 + 1; y < y1; y++) {
    row += q;
    for (let x = 0; x < q; x++) {
      const w = words[row + x]!;
      even[x] = even[x]! + (w & 0xff00ff);
      odd[x] = odd[x]! + ((w >>> 8) & 0xff00ff);
    }
  }
  for (let x = 0, o = 0; x < q; x++, o += 4) {
    const e = even[x]!;
    const d = odd[x]!;
    sums[o] = e & 0xffff;
    sums[o + 1] = d & 0xffff;
    sums[o + 2] = e >>> 16;
    sums[o + 3] = d >>> 16;
  }
}

/** A clamped (rounding) view of a plane, so box averages are rounded, not truncated. */
const clamped = (plane: Uint8Array) => new Uint8ClampedArray(plane.buffer, plane.byteOffset, plane.length);

/**
 * Whether `out` is exactly half of `src` in every plane (the budget's half-size level): 2x2 averages then. An
 * odd half height is not: its chroma has one row more than half the source's.
 */
export function isExactHalf(src: I420, out: I420): boolean {
  return (
    2 * out.width === src.width &&
    2 * out.height === src.height &&
    src.chromaWidth === 2 * out.chromaWidth &&
    src.chromaHeight === 2 * out.chromaHeight
  );
}

/**
 * `src` box-averaged into the smaller picture `out` (each plane on its own, so 4:2:0 stays 4:2:0): the YUV
 * back end's picture at the budget's half-size level, made without any canvas or colour conversion.
 */
export function shrinkI420(src: I420, out: I420): I420 {
  if (out.width > src.width || out.height > src.height)
    throw new RangeError(`shrinkI420: ${out.width}x${out.height} is larger than ${src.width}x${src.height}`);
  if (isExactHalf(src, out)) {
    // The budget's half-size level: 2x2 averages, with no tables (the same bytes as the general path).
    halvePlane(src.y, src.width, out.y, out.width, out.height);
    halvePlane(src.u, src.chromaWidth, out.u, out.chromaWidth, out.chromaHeight);
    halvePlane(src.v, src.chromaWidth, out.v, out.chromaWidth, out.chromaHeight);
    return out;
  }
  boxPlane(src.y, src.width, src.height, clamped(out.y), out.width, out.height, 0, 1);
  for (const plane of ['u', 'v'] as const)
    boxPlane(
      src[plane],
      src.chromaWidth,
      src.chromaHeight,
      clamped(out[plane]),
      out.chromaWidth,
      out.chromaHeight,
      0,
      1,
    );
  return out;
}

/** Each 2x2 block of `src` (sw wide) averaged into `out` (ow x oh), rounding half to even as a clamped store. */
function halvePlane(src: Uint8Array, sw: number, out: Uint8Array, ow: number, oh: number): void {
  for (let y = 0; y < oh; y++) {
    let a = 2 * y * sw;
    let b = a + sw;
    let o = y * ow;
    for (let x = 0; x < ow; x++, a += 2, b += 2, o++) {
      const sum = src[a]! + src[a + 1]! + src[b]! + src[b + 1]!;
      const q = sum >> 2;
      const r = sum & 3;
      out[o] = q + (r > 2 || (r === 2 && (q & 1) === 1) ? 1 : 0);
    }
  }
}

/** One byte-per-pixel plane box-averaged to outW x outH (into `out` when given: no allocation). */
export function downsamplePlane(
  plane: Uint8Array | Uint8ClampedArray,
  pw: number,
  ph: number,
  outW: number,
  outH: number,
  out?: Uint8Array,
): Uint8Array {
  if (plane.length !== pw * ph) throw new RangeError('downsamplePlane: size does not match');
  const result = out ?? new Uint8Array(outW * outH);
  if (result.length !== outW * outH) throw new RangeError('downsamplePlane: output size does not match');
  boxPlane(plane, pw, ph, clamped(result), outW, outH, 0, 1);
  return result;
}

/**
 * The picture shrunk to outW x outH by box averaging, packed Y, U, V, 255 per pixel (the layout the CPU blur
 * and the RGB conversion take). Reads every source sample once.
 */
export function downsampleI420(
  src: I420,
  outW: number,
  outH: number,
  out?: Uint8ClampedArray,
): Uint8ClampedArray {
  const packed = out ?? new Uint8ClampedArray(outW * outH * 4);
  if (packed.length !== outW * outH * 4) throw new RangeError('downsampleI420: output size does not match');
  boxPlane(src.y, src.width, src.height, packed, outW, outH, 0);
  boxPlane(src.u, src.chromaWidth, src.chromaHeight, packed, outW, outH, 1);
  boxPlane(src.v, src.chromaWidth, src.chromaHeight, packed, outW, outH, 2);
  for (let i = 3; i < packed.length; i += 4) packed[i] = 255;
  return packed;
}

/**
 * Packed 4-byte pixels (Y, U, V, A) box-averaged to outW x outH (A set to 255): the blur's source made from
 * the refinement's guide instead of a pass over the full picture.
 */
export function downsamplePacked(
  pixels: Uint8ClampedArray,
  width: number,
  height: number,
  outW: number,
  outH: number,
  out?: Uint8ClampedArray,
): Uint8ClampedArray {
  if (pixels.length !== width * height * 4) throw new RangeError('downsamplePacked: size does not match');
  const packed = out ?? new Uint8ClampedArray(outW * outH * 4);
  if (packed.length !== outW * outH * 4) throw new RangeError('downsamplePacked: output size does not match');
  const xs = boxTable(outW, width);
  const ys = boxTable(outH, height);
  for (let oy = 0; oy < outH; oy++) {
    const y0 = Math.min(ys[oy]!, height - 1);
    const y1 = Math.min(height, Math.max(y0 + 1, ys[oy + 1]!));
    for (let ox = 0; ox < outW; ox++) {
      const x0 = Math.min(xs[ox]!, width - 1);
      const x1 = Math.min(width, Math.max(x0 + 1, xs[ox + 1]!));
      let a = 0;
      let b = 0;
      let c = 0;
      for (let y = y0; y < y1; y++) {
        for (let p = (y * width + x0) * 4, end = (y * width + x1) * 4; p < end; p += 4) {
          a += pixels[p]!;
          b += pixels[p + 1]!;
          c += pixels[p + 2]!;
        }
      }
      const n = (y1 - y0) * (x1 - x0);
      const o = (oy * outW + ox) * 4;
      packed[o] = a / n;
      packed[o + 1] = b / n;
      packed[o + 2] = c / n;
      packed[o + 3] = 255;
    }
  }
  return packed;
}

/**
 * The factors of Y'CbCr -> R'G'B' for `c`, range scaling folded in: R = (Y - y0)·ys + rv·V', G = ... - gu·U' -
 * gv·V', B = ... + bu·U' (U', V' centred on 128). Pure.
 */
export function yuvToRgbFactors(c: YuvColour) {
  const kg = 1 - c.kr - c.kb;
  const cs = c.fullRange ? 1 : 255 / 224;
  return {
    ys: c.fullRange ? 1 : 255 / 219,
    y0: c.fullRange ? 0 : 16,
    rv: 2 * (1 - c.kr) * cs,
    bu: 2 * (1 - c.kb) * cs,
    gu: (2 * (1 - c.kb) * c.kb * cs) / kg,
    gv: (2 * (1 - c.kr) * c.kr * cs) / kg,
  };
}

/** Converts packed Y, U, V, A pixels to R, G, B, A in place. */
export function packedYuvToRgba(pixels: Uint8ClampedArray, c: YuvColour): Uint8ClampedArray {
  const { ys, y0, rv, bu, gu, gv } = yuvToRgbFactors(c);
  for (let i = 0; i < pixels.length; i += 4) {
    const l = (pixels[i]! - y0) * ys;
    const u = pixels[i + 1]! - 128;
    const v = pixels[i + 2]! - 128;
    pixels[i] = l + rv * v;
    pixels[i + 1] = l - gu * u - gv * v;
    pixels[i + 2] = l + bu * u;
  }
  return pixels;
}

/** RGBA (width x height) to I420, chroma averaged over each 2x2 block. For sources that are not YUV. */
export function rgbaToI420(rgba: Uint8ClampedArray, out: I420, c: YuvColour): I420 {
  if (rgba.length !== out.width * out.height * 4) throw new RangeError('rgbaToI420: sizes do not match');
  return packedRgbToI420(rgba, out.width * 4, 'rgb', out, c);
}

/** Interleaved UV (NV12) to separate U and V planes. */
export function deinterleaveUv(uv: Uint8Array, u: Uint8Array, v: Uint8Array): void {
  if (uv.length < 2 * u.length || v.length !== u.length) throw new RangeError('deinterleaveUv: sizes');
  for (let i = 0, j = 0; i < u.length; i++, j += 2) {
    u[i] = uv[j]!;
    v[i] = uv[j + 1]!;
  }
}
