import type { QualityLevel } from '../mask/budget.js';
import type { RGB } from '../mask/mode.js';
import type { CompositeMode } from './composite-stage.js';
import type { FrameSource } from './source-stage.js';

export type { CompositeMode } from './composite-stage.js';

export interface CompositeParams {
  mode: CompositeMode;
  strength: number;
  color: RGB;
  quality: QualityLevel;
}

/** The rendering back end the engine drives: WebGL2 when the realm has it, Canvas2D otherwise. */
export interface Compositor {
  readonly runtime: 'webgl2' | 'canvas2d';
  readonly canvas: OffscreenCanvas;
  /** Takes the frame (does not close it) and prepares its model-sized copy. */
  prepare(source: FrameSource): void;
  /** The current frame at model resolution, for the segmenter. NOTE: synchronous readback. */
  modelInput(): ImageData;
  /** Stores a new model output (person probability, model resolution, top row first). */
  setMask(mask: Float32Array, width: number, height: number): void;
  /** Refines the stored mask on the current frame at output resolution, then smooths it over time. */
  refine(quality: QualityLevel): void;
  /** Draws the output frame onto `canvas`. */
  composite(params: CompositeParams): void;
  /** The final alpha (0..255) at the size the compositor used. NOTE: synchronous readback. */
  readAlpha(): { width: number; height: number; data: Uint8Array };
  setBackground(image: ImageBitmap | null): void;
  /** Forget temporal history (next refine starts fresh). */
  resetTemporal(): void;
  dispose(): void;
}

export const MODEL_INPUT = { width: 256, height: 144 } as const;
