/**
 * The colour conversions over a kernels instance's memory (kernel-memory.ts): packedYuvToRgba(), yuv.ts's
 * packed YUV to RGBA, and rgbToI420() and i420ToRgba(), rgb-i420.ts's conversions (Firefox's RGBX camera
 * frames in, RGBA out), with frameArea() the place its camera frame is copied to.
 * Pure: typed arrays and WebAssembly only.
 */
import { type RgbOrder, rgbToYuvFactors } from '../rgb-i420.js';
import { type I420, i420Bytes, i420View, type YuvColour, yuvToRgbFactors } from '../yuv.js';
import type { KernelMemory } from './kernel-memory.js';
import { align, growTo } from './memory-layout.js';

export class RgbKernels {
  constructor(private readonly memory: KernelMemory) {}

  /**
   * yuv.ts's packedYuvToRgba (packed Y, U, V, A to R, G, B, A in place, the same bytes); false when this
   * kernel does not take it (too large for its scratch), and then the caller runs packedYuvToRgba.
   */
  packedYuvToRgba(pixels: Uint8ClampedArray, c: YuvColour): boolean {
    const n = pixels.length >> 2;
    if (!this.memory.layout) this.memory.pictures(n, 2);
    if (align(pixels.length) > this.memory.scratchCap) return false;
    const f = yuvToRgbFactors(c);
    const at = this.memory.scratch;
    const view = new Uint8ClampedArray(this.memory.exports.memory.buffer, at, pixels.length);
    view.set(pixels);
    this.memory.exports.packedYuvToRgba(at, n, f.ys, f.y0, f.rv, f.bu, f.gu, f.gv);
    pixels.set(view);
    return true;
  }

  // ---- Firefox's camera frames (packed RGB) in, RGBA out (rgb-i420.ts) ----

  #frame: {
    layout: { src: I420; out: I420 };
    width: number;
    height: number;
    rgb: Uint8Array;
    full: I420;
  } | null = null;

  /**
   * Room past the replacement picture's place for one camera frame of frameWidth x frameHeight: `rgb`, its packed
   * 4-byte pixels (rows frameWidth x 4 bytes apart), and `full`, the I420 picture they convert to when the frame
   * is shrunk to pictures(width, height) after. Ask for it before pictures(width, height) in a frame: when it
   * grows the memory, every earlier view detaches and the layout's pictures are made anew.
   */
  frameArea(
    frameWidth: number,
    frameHeight: number,
    width: number,
    height: number,
  ): { rgb: Uint8Array; full: I420 } {
    let layout = this.memory.pictures(width, height);
    const f = this.#frame;
    if (
      f &&
      f.layout === layout &&
      f.width === frameWidth &&
      f.height === frameHeight &&
      f.rgb.byteLength > 0
    )
      return f;
    const rgbAt = this.memory.backgroundAt + align(i420Bytes(width, height));
    const rgbBytes = frameWidth * frameHeight * 4;
    const fullAt = align(rgbAt + rgbBytes);
    const fullBytes = i420Bytes(frameWidth, frameHeight);
    const memory = this.memory.exports.memory;
    // Growing detached the layout's views: pictures() lays it out anew (same places, new views).
    if (growTo(memory, fullAt + fullBytes)) layout = this.memory.pictures(width, height);
    this.#frame = {
      layout,
      width: frameWidth,
      height: frameHeight,
      rgb: new Uint8Array(memory.buffer, rgbAt, rgbBytes),
      full: i420View(new Uint8Array(memory.buffer, fullAt, fullBytes), frameWidth, frameHeight),
    };
    return this.#frame;
  }

  /**
   * rgb-i420.ts's packedRgbToI420 (the same bytes) of pixels and into a picture that are both in this kernel's
   * memory (frameArea(), pictures()); false otherwise, and then the caller runs packedRgbToI420.
   */
  rgbToI420(pixels: Uint8Array, stride: number, order: RgbOrder, out: I420, c: YuvColour): boolean {
    const { width: w, height: h } = out;
    if (stride < w * 4 || pixels.length < stride * (h - 1) + w * 4)
      throw new RangeError('packedRgbToI420: the pixels do not cover the picture');
    const buffer = this.memory.exports.memory.buffer;
    if (pixels.buffer !== buffer || out.data.buffer !== buffer) return false;
    const f = rgbToYuvFactors(c);
    this.memory.exports.rgbToI420(
      pixels.byteOffset,
      stride,
      order === 'rgb' ? 0 : 2,
      w,
      h,
      out.y.byteOffset,
      out.u.byteOffset,
      out.v.byteOffset,
      f.kr,
      f.kg,
      f.kb,
      f.ly,
      f.y0,
      f.ub,
      f.vr,
    );
    return true;
  }

  /**
   * rgb-i420.ts's i420ToRgba (the same bytes) of a picture in this kernel's memory (pictures()) into `out`;
   * false otherwise (a picture from elsewhere, or too large for the scratch), and then the caller runs i420ToRgba.
   */
  i420ToRgba(src: I420, c: YuvColour, out: Uint8ClampedArray): boolean {
    const { width: w, height: h } = src;
    if (out.length !== w * h * 4) throw new RangeError('i420ToRgba: output size does not match');
    const buffer = this.memory.exports.memory.buffer;
    if (src.data.buffer !== buffer || !this.memory.layout || align(out.length) > this.memory.scratchCap)
      return false;
    const f = yuvToRgbFactors(c);
    const at = this.memory.scratch;
    this.memory.exports.i420ToRgba(
      src.y.byteOffset,
      src.u.byteOffset,
      src.v.byteOffset,
      w,
      h,
      at,
      f.ys,
      f.y0,
      f.rv,
      f.bu,
      f.gu,
      f.gv,
    );
    out.set(new Uint8ClampedArray(buffer, at, out.length));
    return true;
  }
}
