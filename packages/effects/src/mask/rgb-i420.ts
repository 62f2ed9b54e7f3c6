/**
 * Packed RGB pictures to and from I420, without a canvas: Firefox hands out camera frames as RGBX/BGRX
 * (`VideoFrame.copyTo` gives their bytes), and its frames pipeline wants RGBA pixels back for an ImageBitmap.
 * One pass each, no allocation per call. Pure: typed arrays only.
 */
import { type I420, type YuvColour, yuvToRgbFactors } from './yuv.js';

/** Byte order of a 4-byte pixel: R, G, B, X (RGBX, RGBA) or B, G, R, X (BGRX, BGRA). */
export type RgbOrder = 'rgb' | 'bgr';

/** The packed order of a VideoFrame format with 4 bytes per pixel, or null for any other format. */
export function rgbOrderOf(format: string | null | undefined): RgbOrder | null {
  if (format === 'RGBX' || format === 'RGBA') return 'rgb';
  if (format === 'BGRX' || format === 'BGRA') return 'bgr';
  return null;
}

/**
 * The constants of packedRgbToI420 (also the wasm kernel's): luma weights, luma scale and offset (with the 0.5
 * that makes the Uint8Array store's truncation a rounding), chroma scales.
 */
export function rgbToYuvFactors(c: YuvColour) {
  const kr = c.kr;
  const kb = c.kb;
  const lc = c.fullRange ? 1 : 224 / 255;
  return {
    kr,
    kg: 1 - kr - kb,
    kb,
    ly: c.fullRange ? 1 : 219 / 255,
    y0: (c.fullRange ? 0 : 16) + 0.5,
    ub: lc / (2 * (1 - kb)),
    vr: lc / (2 * (1 - kr)),
  };
}

/**
 * Packed 4-byte pixels (rows `stride` bytes apart) into `out` (its size is the picture's): luma per pixel,
 * chroma averaged over each 2x2 block (fewer samples at an odd edge). Rounds as `rgbToYuv` does.
 */
export function packedRgbToI420(
  pixels: Uint8Array | Uint8ClampedArray,
  stride: number,
  order: RgbOrder,
  out: I420,
  c: YuvColour,
): I420 {
  const { width: w, height: h, chromaWidth: cw, chromaHeight: ch } = out;
  if (stride < w * 4 || pixels.length < stride * (h - 1) + w * 4)
    throw new RangeError('packedRgbToI420: the pixels do not cover the picture');
  const ri = order === 'rgb' ? 0 : 2;
  const bi = 2 - ri;
  const { kr, kg, kb, ly, y0, ub, vr } = rgbToYuvFactors(c);
  const Y = out.y;
  const U = out.u;
  const V = out.v;
  for (let cy = 0; cy < ch; cy++) {
    const ya = 2 * cy;
    const yb = ya + 1 < h ? ya + 1 : ya;
    const rows = yb > ya ? 2 : 1;
    for (let cx = 0; cx < cw; cx++) {
      const xa = 2 * cx;
      const cols = xa + 1 < w ? 2 : 1;
      let su = 0;
      let sv = 0;
      for (let r = 0; r < rows; r++) {
        const y = ya + r;
        let p = y * stride + xa * 4;
        let o = y * w + xa;
        for (let k = 0; k < cols; k++, p += 4, o++) {
          const red = pixels[p + ri]!;
          const blue = pixels[p + bi]!;
          const l = kr * red + kg * pixels[p + 1]! + kb * blue;
          Y[o] = y0 + l * ly;
          su += blue - l;
          sv += red - l;
        }
      }
      const n = rows * cols;
      const u = 128.5 + (su * ub) / n;
      const v = 128.5 + (sv * vr) / n;
      const i = cy * cw + cx;
      U[i] = u < 0 ? 0 : Math.min(u, 255);
      V[i] = v < 0 ? 0 : Math.min(v, 255);
    }
  }
  return out;
}

/**
 * An I420 picture as RGBA bytes (A 255) in `out` (width x height x 4), each chroma sample shared by its 2x2
 * block. The inverse of packedRgbToI420 within rounding.
 */
export function i420ToRgba(src: I420, c: YuvColour, out: Uint8ClampedArray): Uint8ClampedArray {
  const { width: w, height: h, chromaWidth: cw } = src;
  if (out.length !== w * h * 4) throw new RangeError('i420ToRgba: output size does not match');
  const { ys, y0: yOff, rv, bu, gu, gv } = yuvToRgbFactors(c);
  const Y = src.y;
  const U = src.u;
  const V = src.v;
  for (let y = 0; y < h; y++) {
    const crow = (y >> 1) * cw;
    let p = y * w * 4;
    let o = y * w;
    for (let x = 0; x < w; x++, p += 4, o++) {
      const ci = crow + (x >> 1);
      const u = U[ci]! - 128;
      const v = V[ci]! - 128;
      const l = (Y[o]! - yOff) * ys;
      // A clamped array rounds and clamps on store.
      out[p] = l + rv * v;
      out[p + 1] = l - gu * u - gv * v;
      out[p + 2] = l + bu * u;
      out[p + 3] = 255;
    }
  }
  return out;
}
