/**
 * The YUV back end's byte kernels in WebAssembly with SIMD, the same bytes as the JS ones (the AssemblyScript
 * source in packages/effects/kernels/ follows them step for step). WasmKernels is the one class callers use:
 * an instance of the module with its own memory, each method handed to the module that does that job, all of
 * them over one KernelMemory:
 * - kernel-memory.ts: pictures(), the memory's layout (the source and output pictures, the scratch past them,
 *   the replacement picture's place and the camera frame's area past that);
 * - composite-kernels.ts: composite(), compositeI420, yuv-composite.ts's blendPlane, over a small background
 *   (blur, privacy), a picture (the replacement image, kept in the module's memory: backgroundPicture()) or a
 *   colour;
 * - resample-kernels.ts: downsampleI420(), yuv.ts's box average of the picture to a smaller packed picture
 *   (the guide pass), and downsamplePacked() / downsamplePlane(), the same box average of a packed picture
 *   (the guide to the model's input and to the blur's grid) and of one plane (the alpha to the blur's grid);
 *   and shrinkI420(), yuv.ts's halving of Firefox's camera frame's picture at the budget's half-size level;
 * - blur-kernel.ts: maskWeightedBlur(), blur.ts's mask-weighted blur (the blurred background, at its small
 *   size);
 * - rgb-kernels.ts: packedYuvToRgba(), yuv.ts's, and rgbToI420() and i420ToRgba(), rgb-i420.ts's conversions
 *   (Firefox's RGBX camera frames in, RGBA out), with frameArea() the place its camera frame is copied to;
 * - refine-kernels.ts: cpuRefine(), cpu-refiner.ts's CpuRefiner.refine (joint bilateral upsampling, temporal
 *   smoothing, the edge curve), and bandRefine(), band-refine.ts's BandRefiner.refine (the guided filter on
 *   the outline).
 * Beside them: kernels-module.ts, the module's exports and its compile once per realm; memory-layout.ts, the
 * layout's helpers (BASE, align, growTo, scratchTaker); and tensor-kernel.ts's createTensorKernel(),
 * segmentation/tensor.ts's writeRgbTensor (the model's input tensor), in an instance of its own.
 * The pictures can live in the module's memory (`pictures()`), so a frame is copied in by the camera's copyTo
 * and out by the VideoFrame constructor, never by us; pictures from elsewhere are copied in and out around
 * the call. Pure: typed arrays and WebAssembly only.
 */
import type { I420 } from '../yuv.js';
import { BlurKernel } from './blur-kernel.js';
import { CompositeKernels } from './composite-kernels.js';
import { KernelMemory } from './kernel-memory.js';
import { compiledKernels, type KernelExports } from './kernels-module.js';
import { RefineKernels } from './refine-kernels.js';
import { ResampleKernels } from './resample-kernels.js';
import { RgbKernels } from './rgb-kernels.js';

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

/**
 * The kernels over one memory (the families above share its layout), with the same bytes as the JS kernels;
 * a kernel that does not take a call returns false (or null), and then the caller runs the JS.
 */
export class WasmKernels {
  readonly #memory: KernelMemory;
  readonly #composite: CompositeKernels;
  readonly #resample: ResampleKernels;
  readonly #blur: BlurKernel;
  readonly #rgb: RgbKernels;
  readonly #refine: RefineKernels;

  constructor(exports: KernelExports) {
    this.#memory = new KernelMemory(exports);
    this.#composite = new CompositeKernels(this.#memory);
    this.#resample = new ResampleKernels(this.#memory);
    this.#blur = new BlurKernel(this.#memory);
    this.#rgb = new RgbKernels(this.#memory);
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

  /** The replacement picture's place in the kernels' memory: {@link CompositeKernels.backgroundPicture}. */
  backgroundPicture(...args: Parameters<CompositeKernels['backgroundPicture']>): I420 {
    return this.#composite.backgroundPicture(...args);
  }

  /** Whether `p` is backgroundPicture()'s, still valid: {@link CompositeKernels.holdsBackground}. */
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

  /** yuv.ts's packedYuvToRgba in wasm: {@link RgbKernels.packedYuvToRgba}. */
  packedYuvToRgba(...args: Parameters<RgbKernels['packedYuvToRgba']>): boolean {
    return this.#rgb.packedYuvToRgba(...args);
  }

  /** Room in the kernels' memory for one camera frame: {@link RgbKernels.frameArea}. */
  frameArea(...args: Parameters<RgbKernels['frameArea']>): { rgb: Uint8Array; full: I420 } {
    return this.#rgb.frameArea(...args);
  }

  /** rgb-i420.ts's packedRgbToI420 in wasm: {@link RgbKernels.rgbToI420}. */
  rgbToI420(...args: Parameters<RgbKernels['rgbToI420']>): boolean {
    return this.#rgb.rgbToI420(...args);
  }

  /** rgb-i420.ts's i420ToRgba in wasm: {@link RgbKernels.i420ToRgba}. */
  i420ToRgba(...args: Parameters<RgbKernels['i420ToRgba']>): boolean {
    return this.#rgb.i420ToRgba(...args);
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
