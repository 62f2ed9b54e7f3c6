/**
 * The YUV back end's byte kernels in WebAssembly with SIMD, the same bytes as the JS ones (the AssemblyScript
 * source in packages/effects/kernels/ follows them step for step):
 * - composite-kernels.ts: composite(), compositeI420, yuv-composite.ts's blendPlane, over a small background
 *   (blur, privacy), a picture (the replacement image, kept in the module's memory: backgroundPicture()) or a
 *   colour;
 * - resample-kernels.ts: downsampleI420(), yuv.ts's box average of the picture to a smaller packed picture
 *   (the guide pass), and downsamplePacked() / downsamplePlane(), the same box average of a packed picture
 *   (the guide to the model's input and to the blur's grid) and of one plane (the alpha to the blur's grid);
 *   and shrinkI420(), yuv.ts's halving of Firefox's camera frame's picture at the budget's half-size level;
 * - blur-kernel.ts: maskWeightedBlur(), blur.ts's mask-weighted blur (the blurred background, at its small
 *   size);
 * - refine-kernels.ts: cpuRefine(), cpu-refiner.ts's CpuRefiner.refine (joint bilateral upsampling, temporal
 *   smoothing, the edge curve), and bandRefine(), band-refine.ts's BandRefiner.refine (the guided filter on
 *   the outline);
 * - tensor-kernel.ts's createTensorKernel(): segmentation/tensor.ts's writeRgbTensor (the model's input
 *   tensor), in an instance of its own;
 * - rgbToI420() and i420ToRgba(): rgb-i420.ts's conversions (Firefox's RGBX camera frames in, RGBA out), with
 *   frameArea() the place its camera frame is copied to.
 * The pictures can live in the module's memory (`pictures()`, kernel-memory.ts's layout), so a frame is copied
 * in by the camera's copyTo and out by the VideoFrame constructor, never by us; pictures from elsewhere are
 * copied in and out around the call. Pure: typed arrays and WebAssembly only.
 */
import { type RgbOrder, rgbToYuvFactors } from '../rgb-i420.js';
import { type I420, i420Bytes, i420View, type YuvColour, yuvToRgbFactors } from '../yuv.js';
import { BlurKernel } from './blur-kernel.js';
import { CompositeKernels } from './composite-kernels.js';
import { KernelMemory } from './kernel-memory.js';
import { compiledKernels, type KernelExports } from './kernels-module.js';
import { align, growTo } from './memory-layout.js';
import { RefineKernels } from './refine-kernels.js';
import { ResampleKernels } from './resample-kernels.js';

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
  readonly #resample: ResampleKernels;
  readonly #blur: BlurKernel;
  readonly #refine: RefineKernels;

  constructor(exports: KernelExports) {
    this.#k = exports;
    this.#memory = new KernelMemory(exports);
    this.#composite = new CompositeKernels(this.#memory);
    this.#resample = new ResampleKernels(this.#memory);
    this.#blur = new BlurKernel(this.#memory);
    this.#refine = new RefineKernels(this.#memory);
  }

  /** A source and an output picture of this size in the kernels' memory: {@link KernelMemory.pictures}. */
  pictures(...args: Parameters<KernelMemory['pictures']>): { src: I420; out: I420 } {
    return this.#memory.pictures(...args);
  }

  /** compositeI420 in wasm: {@link CompositeKernels.composite}. */
  composite(...args: Parameters<CompositeKernels['composite']>): boolean {
    return this.#composite.composite(...args);
  }

  /** The replacement background's picture in the kernels' memory: {@link CompositeKernels.backgroundPicture}. */
  backgroundPicture(...args: Parameters<CompositeKernels['backgroundPicture']>): I420 {
    return this.#composite.backgroundPicture(...args);
  }

  /** Whether `p` is backgroundPicture()'s picture and still valid: {@link CompositeKernels.holdsBackground}. */
  holdsBackground(...args: Parameters<CompositeKernels['holdsBackground']>): boolean {
    return this.#composite.holdsBackground(...args);
  }

  /** yuv.ts's downsampleI420 in wasm: {@link ResampleKernels.downsampleI420}. */
  downsampleI420(...args: Parameters<ResampleKernels['downsampleI420']>): boolean {
    return this.#resample.downsampleI420(...args);
  }

  /** yuv.ts's downsamplePacked in wasm: {@link ResampleKernels.downsamplePacked}. */
  downsamplePacked(...args: Parameters<ResampleKernels['downsamplePacked']>): boolean {
    return this.#resample.downsamplePacked(...args);
  }

  /** yuv.ts's downsamplePlane in wasm: {@link ResampleKernels.downsamplePlane}. */
  downsamplePlane(...args: Parameters<ResampleKernels['downsamplePlane']>): boolean {
    return this.#resample.downsamplePlane(...args);
  }

  /** yuv.ts's shrinkI420 at the half-size level in wasm: {@link ResampleKernels.shrinkI420}. */
  shrinkI420(...args: Parameters<ResampleKernels['shrinkI420']>): boolean {
    return this.#resample.shrinkI420(...args);
  }

  /** blur.ts's maskWeightedBlur in wasm: {@link BlurKernel.maskWeightedBlur}. */
  maskWeightedBlur(...args: Parameters<BlurKernel['maskWeightedBlur']>): Uint8ClampedArray | null {
    return this.#blur.maskWeightedBlur(...args);
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

  /** cpu-refiner.ts's refinement: {@link RefineKernels.cpuRefine}. */
  cpuRefine(...args: Parameters<RefineKernels['cpuRefine']>): boolean {
    return this.#refine.cpuRefine(...args);
  }

  /** band-refine.ts's filter: {@link RefineKernels.bandRefine}. */
  bandRefine(...args: Parameters<RefineKernels['bandRefine']>): number | null {
    return this.#refine.bandRefine(...args);
  }
}
