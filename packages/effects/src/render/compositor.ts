import type { QualityLevel } from '../mask/budget.js';
import type { ResolvedEffectMode } from '../mode.js';
import type { FrameSource } from './source-stage.js';

/**
 * The compositing back ends: the WebGL2 pipeline, the Canvas2D one (CPU refinement), or the YUV one (CPU
 * refinement and compositing on the camera's own planes, output built from bytes).
 */
export const RENDERERS = ['webgl2', 'canvas2d', 'yuv'] as const;
export type Renderer = (typeof RENDERERS)[number];

export function isRenderer(value: unknown): value is Renderer {
  return RENDERERS.includes(value as Renderer);
}

/** The privacy frame: the picture shrunk to a dozen pixels across and darkened; no mask needed. */
export interface PrivacyFrame {
  readonly kind: 'privacy';
}
export const PRIVACY_FRAME: PrivacyFrame = { kind: 'privacy' };

/** What one output frame shows: the current mode, or the privacy frame when there is no mask for it. */
export type Composition = ResolvedEffectMode | PrivacyFrame;

/** What the engine drives: WebGL2 when the realm has it, Canvas2D otherwise. */
/** The CPU back end's byte kernels: WebAssembly SIMD, or the JS ones (no SIMD, or it failed to start). */
export type CpuKernels = 'wasm-simd' | 'js';

export interface Compositor {
  readonly renderer: Renderer;
  readonly canvas: OffscreenCanvas;
  /**
   * True when `prepare` shrinks frames itself (the YUV back end box-averages its planes); otherwise the engine
   * hands it frames already drawn at the budget's picture scale.
   */
  readonly scalesFrames?: boolean;
  /**
   * Which byte kernels this back end runs on the CPU: 'wasm-simd' (WebAssembly SIMD, where the realm has it) or
   * 'js'. Absent on back ends that composite on the GPU or through a canvas.
   */
  readonly kernels?: CpuKernels;
  /**
   * Takes the frame (does not close it) and prepares its model-sized copy; a back end that `scalesFrames`
   * works on it at `scale` of its size (even sides, as `scaledSize`).
   */
  prepare(source: FrameSource, scale?: number): void;
  /**
   * The current frame at a model's input size (default MODEL_INPUT), for the segmenter; the next setMask's
   * mask comes from the size last asked for. `refineScale`: the refinement this frame will run (its level's),
   * so the YUV back end can make the input from the refinement's guide instead of another pass over the
   * full picture. The pixels may be the compositor's own (the YUV back end's, reused frame to frame): read
   * them, do not change or keep them past the next prepare(). NOTE: synchronous readback.
   */
  modelInput(size?: { width: number; height: number }, refineScale?: number): ImageData;
  /** Stores a new model output (person probability, model resolution, top row first). */
  setMask(mask: Float32Array, width: number, height: number): void;
  /** Refines the stored mask on the current frame at output resolution, then smooths it over time. */
  refine(quality: QualityLevel): void;
  /**
   * Draws the output frame onto `canvas`. A `replace` draws the image last given to `setBackground` (the
   * engine hands it over when the mode changes); without one, or without a mask, it draws the privacy frame.
   */
  composite(composition: Composition, quality: QualityLevel): void;
  /** The output frame of the last composite (the caller owns and closes it). */
  outputFrame(timestamp: number): VideoFrame;
  /**
   * The output of the last composite as an ImageBitmap (the caller owns and closes it), for the frames pipeline;
   * a promise where the bitmap is made asynchronously (the YUV back end's, from its I420 picture).
   */
  outputBitmap(): ImageBitmap | Promise<ImageBitmap>;
  /** The final alpha (0..255) at the size the compositor used. NOTE: synchronous readback. */
  readAlpha(): { width: number; height: number; data: Uint8Array };
  setBackground(image: ImageBitmap | null): void;
  /** Forget temporal history (next refine starts fresh). */
  resetTemporal(): void;
  dispose(): void;
}

/**
 * What a compositor can actually draw: a mode that needs a mask falls back to the privacy frame until one was
 * refined, and `replace` does until its image is uploaded. Never the camera frame.
 */
export function drawable(
  composition: Composition,
  state: { haveAlpha: boolean; haveBackground: boolean },
): Composition {
  if (composition.kind === 'none' || composition.kind === 'privacy') return composition;
  if (!state.haveAlpha) return PRIVACY_FRAME;
  if (composition.kind === 'replace' && !state.haveBackground) return PRIVACY_FRAME;
  return composition;
}

export const MODEL_INPUT = { width: 256, height: 144 } as const;

/** How strongly a replaced background's light spills onto the person's edge (both back ends). */
export const LIGHT_WRAP_STRENGTH = 0.5;
