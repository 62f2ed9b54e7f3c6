/**
 * The YUV back end's byte kernels in WebAssembly with SIMD, the same bytes as the JS ones (the AssemblyScript
 * source in packages/effects/kernels/ follows them step for step):
 * - composite-kernels.ts: composite(), compositeI420, yuv-composite.ts's blendPlane, over a small background
 *   (blur, privacy), a picture (the replacement image, kept in the module's memory: backgroundPicture()) or a
 *   colour;
 * - downsampleI420(): yuv.ts's box average of the picture to a smaller packed picture (the guide pass), and
 *   downsamplePacked() / downsamplePlane(), the same box average of a packed picture (the guide to the model's
 *   input and to the blur's grid) and of one plane (the alpha to the blur's grid);
 * - maskWeightedBlur(): blur.ts's mask-weighted blur (the blurred background, at its small size);
 * - refine-kernels.ts: cpuRefine(), cpu-refiner.ts's CpuRefiner.refine (joint bilateral upsampling, temporal
 *   smoothing, the edge curve), and bandRefine(), band-refine.ts's BandRefiner.refine (the guided filter on
 *   the outline);
 * - tensor-kernel.ts's createTensorKernel(): segmentation/tensor.ts's writeRgbTensor (the model's input
 *   tensor), in an instance of its own;
 * - rgbToI420() and i420ToRgba(): rgb-i420.ts's conversions (Firefox's RGBX camera frames in, RGBA out), with
 *   frameArea() the place its camera frame is copied to, and shrinkI420(): yuv.ts's halving of that frame's
 *   picture at the budget's half-size level.
 * The pictures can live in the module's memory (`pictures()`, kernel-memory.ts's layout), so a frame is copied
 * in by the camera's copyTo and out by the VideoFrame constructor, never by us; pictures from elsewhere are
 * copied in and out around the call. Pure: typed arrays and WebAssembly only.
 */
import { boxRadius, type WeightedBlurInput } from '../blur.js';
import type { CpuRefineWork } from '../cpu-refiner.js';
import { type RgbOrder, rgbToYuvFactors } from '../rgb-i420.js';
import {
  boxTable,
  type I420,
  i420Bytes,
  i420View,
  isExactHalf,
  type YuvColour,
  yuvToRgbFactors,
} from '../yuv.js';
import type { YuvCompositeInput } from '../yuv-composite.js';
import { CompositeKernels } from './composite-kernels.js';
import { KernelMemory } from './kernel-memory.js';
import { compiledKernels, type KernelExports } from './kernels-module.js';
import { align, growTo, isPictureIn, scratchTaker } from './memory-layout.js';
import { RefineKernels } from './refine-kernels.js';

/**
 * The kernels with their own memory, or null when this realm cannot run them (the JS kernels run then).
 * Callers ask features.ts's hasWasmSimd() first; this also returns null by itself if the module will not compile.
 * NOTE: synchronous compile of ~21 KB of wasm, once per realm (~1 ms in Node).
 */
export function createWasmKernels(): WasmKernels | null {
  const module = compiledKernels();
  if (!module) return null;
  try {
    const instance = new WebAssembly.Instance(module, {});
    return new WasmKernels(instance.exports as unknown as KernelExports);
  } catch {
    return null;
  }
}

export class WasmKernels {
  readonly #k: KernelExports;
  readonly #memory: KernelMemory;
  readonly #composite: CompositeKernels;
  readonly #refine: RefineKernels;

  constructor(exports: KernelExports) {
    this.#k = exports;
    this.#memory = new KernelMemory(exports);
    this.#composite = new CompositeKernels(this.#memory);
    this.#refine = new RefineKernels(this.#memory);
  }

  /** A source and an output picture of this size in the kernels' memory: {@link KernelMemory.pictures}. */
  pictures(width: number, height: number): { src: I420; out: I420 } {
    return this.#memory.pictures(width, height);
  }

  /** compositeI420 in wasm: {@link CompositeKernels.composite}. */
  composite(input: YuvCompositeInput): boolean {
    return this.#composite.composite(input);
  }

  /** The replacement background's picture in the kernels' memory: {@link CompositeKernels.backgroundPicture}. */
  backgroundPicture(width: number, height: number): I420 {
    return this.#composite.backgroundPicture(width, height);
  }

  /** Whether `p` is backgroundPicture()'s picture and still valid: {@link CompositeKernels.holdsBackground}. */
  holdsBackground(p: I420): boolean {
    return this.#composite.holdsBackground(p);
  }

  /**
   * yuv.ts's downsampleI420 (the picture box-averaged to outW x outH, packed Y, U, V, 255) into `out`; returns
   * true, or false when this kernel does not take it (a box over 257 rows, or too large for its scratch), and
   * then the caller runs downsampleI420. The picture is read in place when it is this kernel's `pictures()`.
   */
  downsampleI420(src: I420, outW: number, outH: number, out: Uint8ClampedArray): boolean {
    if (out.length !== outW * outH * 4) throw new RangeError('downsampleI420: output size does not match');
    // u16 column sums: a box may span at most 257 rows (as yuv.ts's word path).
    if (Math.ceil(src.height / outH) + 1 > 257 || Math.ceil(src.chromaHeight / outH) + 1 > 257) return false;
    const inPlace = this.#memory.holds(src, 'src') || this.#memory.holds(src, 'out');
    if (!this.#memory.layout && !inPlace) this.#memory.pictures(src.width, src.height);
    const tables = 4 * (2 * (outW + 1) + 2 * (outH + 1));
    const need =
      align(out.length) +
      align(tables) +
      align(this.#k.boxScratchBytes(src.width, 1, outW)) +
      (inPlace ? 0 : align(src.data.length));
    if (need > this.#memory.scratchCap) return false;
    const k = this.#k;
    const take = scratchTaker(this.#memory.scratch);
    const outAt = take(out.length);
    const sums = take(k.boxScratchBytes(src.width, 1, outW));
    const tableAt = take(tables);
    let base = src.data.byteOffset;
    if (!inPlace) {
      base = take(src.data.length);
      new Uint8Array(k.memory.buffer, base, src.data.length).set(src.data);
    }
    const i32 = new Int32Array(k.memory.buffer, tableAt, tables >> 2);
    const xsAt = (plane: number) => tableAt + (plane ? 4 * (outW + 1) : 0);
    const ysAt = (plane: number) => tableAt + 4 * (2 * (outW + 1) + (plane ? outH + 1 : 0));
    i32.set(boxTable(outW, src.width), 0);
    i32.set(boxTable(outW, src.chromaWidth), outW + 1);
    i32.set(boxTable(outH, src.height), 2 * (outW + 1));
    i32.set(boxTable(outH, src.chromaHeight), 2 * (outW + 1) + outH + 1);
    k.fill(outAt + 0, 255, out.length);
    const planes: [Uint8Array, number, number][] = [
      [src.y, src.width, src.height],
      [src.u, src.chromaWidth, src.chromaHeight],
      [src.v, src.chromaWidth, src.chromaHeight],
    ];
    for (let c = 0; c < 3; c++) {
      const [plane, pw, ph] = planes[c]!;
      const offset = base + (plane.byteOffset - src.data.byteOffset);
      k.boxPlane(offset, pw, ph, outAt, outW, outH, c, 4, xsAt(c), ysAt(c), sums, 1, 1);
    }
    out.set(new Uint8ClampedArray(k.memory.buffer, outAt, out.length));
    return true;
  }

  /**
   * blur.ts's maskWeightedBlur (the same bytes) into `input.out` (or a new array); null when this kernel does
   * not take it (too large for its scratch), and then the caller runs maskWeightedBlur.
   */
  maskWeightedBlur(input: WeightedBlurInput): Uint8ClampedArray | null {
    const { rgba, alpha, width, height } = input;
    const n = width * height;
    if (rgba.length !== n * 4 || alpha.length !== n)
      throw new RangeError('maskWeightedBlur: sizes do not match');
    if (!this.#memory.layout) this.#memory.pictures(width, height);
    const need = 2 * align(4 * n) + align(n) + 2 * align(16 * n) + align(32 * width);
    if (need > this.#memory.scratchCap) return null;
    const k = this.#k;
    const take = scratchTaker(this.#memory.scratch);
    const rgbaAt = take(4 * n);
    const alphaAt = take(n);
    const outAt = take(4 * n);
    const planes = take(16 * n);
    const scratch = take(16 * n);
    const acc = take(32 * width);
    new Uint8ClampedArray(k.memory.buffer, rgbaAt, 4 * n).set(rgba);
    new Uint8Array(k.memory.buffer, alphaAt, n).set(alpha);
    k.maskWeightedBlur(rgbaAt, alphaAt, width, height, boxRadius(input.sigma), planes, scratch, acc, outAt);
    const out = input.out ?? new Uint8ClampedArray(n * 4);
    out.set(new Uint8ClampedArray(k.memory.buffer, outAt, 4 * n));
    return out;
  }

  /**
   * yuv.ts's downsamplePacked (packed Y, U, V, A pixels box-averaged, A 255) into `out`; false when this kernel
   * does not take it (a box over 257 rows, or too large for its scratch): the caller runs downsamplePacked.
   */
  downsamplePacked(
    pixels: Uint8ClampedArray,
    width: number,
    height: number,
    outW: number,
    outH: number,
    out: Uint8ClampedArray,
  ): boolean {
    if (pixels.length !== width * height * 4) throw new RangeError('downsamplePacked: size does not match');
    if (out.length !== outW * outH * 4) throw new RangeError('downsamplePacked: output size does not match');
    return this.#box(pixels, width, height, 4, out, outW, outH, 4, 3);
  }

  /** yuv.ts's downsamplePlane (one byte a pixel) into `out`; false as downsamplePacked. */
  downsamplePlane(
    plane: Uint8Array | Uint8ClampedArray,
    pw: number,
    ph: number,
    outW: number,
    outH: number,
    out: Uint8Array,
  ): boolean {
    if (plane.length !== pw * ph) throw new RangeError('downsamplePlane: size does not match');
    if (out.length !== outW * outH) throw new RangeError('downsamplePlane: output size does not match');
    return this.#box(plane, pw, ph, 1, out, outW, outH, 1, 1);
  }

  /** One box average of a picture from elsewhere (copied in; the output copied out). */
  #box(
    input: Uint8Array | Uint8ClampedArray,
    width: number,
    height: number,
    inStep: number,
    out: Uint8Array | Uint8ClampedArray,
    outW: number,
    outH: number,
    step: number,
    channels: number,
  ): boolean {
    if (Math.ceil(height / outH) + 1 > 257) return false;
    if (!this.#memory.layout) this.#memory.pictures(width, height);
    const tables = 4 * (outW + 1 + outH + 1);
    const sumsBytes = this.#k.boxScratchBytes(width * inStep, inStep, outW);
    const need = align(input.length) + align(out.length) + align(tables) + align(sumsBytes);
    if (need > this.#memory.scratchCap) return false;
    const k = this.#k;
    const take = scratchTaker(this.#memory.scratch);
    const inAt = take(input.length);
    const outAt = take(out.length);
    const tableAt = take(tables);
    const sums = take(sumsBytes);
    new Uint8Array(k.memory.buffer, inAt, input.length).set(input);
    const i32 = new Int32Array(k.memory.buffer, tableAt, tables >> 2);
    i32.set(boxTable(outW, width), 0);
    i32.set(boxTable(outH, height), outW + 1);
    if (step === 4) k.fill(outAt, 255, out.length);
    k.boxPlane(
      inAt,
      width,
      height,
      outAt,
      outW,
      outH,
      0,
      step,
      tableAt,
      tableAt + 4 * (outW + 1),
      sums,
      inStep,
      channels,
    );
    out.set(new Uint8Array(k.memory.buffer, outAt, out.length));
    return true;
  }

  /**
   * yuv.ts's packedYuvToRgba (packed Y, U, V, A to R, G, B, A in place, the same bytes); false when this
   * kernel does not take it (too large for its scratch), and then the caller runs packedYuvToRgba.
   */
  packedYuvToRgba(pixels: Uint8ClampedArray, c: YuvColour): boolean {
    const n = pixels.length >> 2;
    if (!this.#memory.layout) this.#memory.pictures(n, 2);
    if (align(pixels.length) > this.#memory.scratchCap) return false;
    const f = yuvToRgbFactors(c);
    const at = this.#memory.scratch;
    const view = new Uint8ClampedArray(this.#k.memory.buffer, at, pixels.length);
    view.set(pixels);
    this.#k.packedYuvToRgba(at, n, f.ys, f.y0, f.rv, f.bu, f.gu, f.gv);
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
    let layout = this.#memory.pictures(width, height);
    const f = this.#frame;
    if (
      f &&
      f.layout === layout &&
      f.width === frameWidth &&
      f.height === frameHeight &&
      f.rgb.byteLength > 0
    )
      return f;
    const rgbAt = this.#memory.backgroundAt + align(i420Bytes(width, height));
    const rgbBytes = frameWidth * frameHeight * 4;
    const fullAt = align(rgbAt + rgbBytes);
    const fullBytes = i420Bytes(frameWidth, frameHeight);
    const memory = this.#k.memory;
    // Growing detached the layout's views: pictures() lays it out anew (same places, new views).
    if (growTo(memory, fullAt + fullBytes)) layout = this.#memory.pictures(width, height);
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
    const buffer = this.#k.memory.buffer;
    if (pixels.buffer !== buffer || out.data.buffer !== buffer) return false;
    const f = rgbToYuvFactors(c);
    this.#k.rgbToI420(
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
    const buffer = this.#k.memory.buffer;
    if (src.data.buffer !== buffer || !this.#memory.layout || align(out.length) > this.#memory.scratchCap)
      return false;
    const f = yuvToRgbFactors(c);
    const at = this.#memory.scratch;
    this.#k.i420ToRgba(
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

  /**
   * yuv.ts's shrinkI420 (the same bytes) at the budget's half-size level, `out` exactly half of `src` (2x2
   * averages, planes halved alike), both in this kernel's memory (frameArea(), pictures()); false otherwise,
   * and then the caller runs shrinkI420.
   */
  shrinkI420(src: I420, out: I420): boolean {
    const buffer = this.#k.memory.buffer;
    if (!isExactHalf(src, out) || !isPictureIn(src, buffer) || !isPictureIn(out, buffer)) return false;
    const k = this.#k;
    k.halvePlane(src.y.byteOffset, src.width, out.y.byteOffset, out.width, out.height);
    k.halvePlane(src.u.byteOffset, src.chromaWidth, out.u.byteOffset, out.chromaWidth, out.chromaHeight);
    k.halvePlane(src.v.byteOffset, src.chromaWidth, out.v.byteOffset, out.chromaWidth, out.chromaHeight);
    return true;
  }

  /** cpu-refiner.ts's refinement: {@link RefineKernels.cpuRefine}. */
  cpuRefine(work: CpuRefineWork): boolean {
    return this.#refine.cpuRefine(work);
  }

  /** band-refine.ts's filter: {@link RefineKernels.bandRefine}. */
  bandRefine(
    alpha: Uint8Array,
    guide: Uint8Array | Uint8ClampedArray,
    W: number,
    H: number,
    r: number,
    eps: number,
    curve: Uint8Array,
    out: Uint8Array,
  ): number | null {
    return this.#refine.bandRefine(alpha, guide, W, H, r, eps, curve, out);
  }
}
