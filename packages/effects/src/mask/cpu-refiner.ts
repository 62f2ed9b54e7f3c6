/**
 * Mask refinement on the CPU at a working resolution, for the back ends without GL: joint bilateral
 * upsampling of the model's mask guided by the frame, motion-adaptive temporal smoothing against the last
 * refined mask, then the edge curve to alpha bytes. Keeps the history between frames. Pure: typed arrays only.
 */
import { EDGE, smoothstep } from './kernels.js';
import { smoothMaskInPlace } from './smoothing.js';
import { jointBilateralUpsample } from './upsample.js';

/** Long side of the CPU refinement buffer at full quality (scaled by the level's refineScale). */
export const WORK_LONG_SIDE = 384;

/** The working size of the CPU refinement for a frame: its aspect, the long side capped by the quality level. */
export function workingSize(width: number, height: number, refineScale: number): { w: number; h: number } {
  const longSide = Math.max(width, height);
  const k = Math.min(longSide, Math.round(WORK_LONG_SIDE * refineScale)) / longSide;
  return { w: Math.max(1, Math.round(width * k)), h: Math.max(1, Math.round(height * k)) };
}

/** The edge smoothstep, tabulated: alpha in 0..1 (x1023) to 0..255. */
export const EDGE_LUT = new Uint8ClampedArray(1024).map(
  (_, i) => smoothstep(EDGE.low, EDGE.high, i / 1023) * 255,
);

export interface RefineInput {
  mask: Float32Array;
  maskWidth: number;
  maskHeight: number;
  /** The frame at mask resolution, RGBA. */
  guideLow: Uint8ClampedArray;
  /** The frame at the working resolution, RGBA (kept as the next frame's motion reference). */
  guideHigh: Uint8ClampedArray;
  width: number;
  height: number;
  radius: number;
}

/** One refinement's work for a faster kernel with the same bytes (the wasm one). */
export interface CpuRefineWork extends RefineInput {
  /** The last smoothed alpha and its guide, or null on a fresh start (no smoothing). */
  previous: Float32Array | null;
  previousGuide: Uint8ClampedArray | null;
  /** Where the new refined alpha (f32, w x h) goes, and its bytes through EDGE_LUT. */
  refined: Float32Array;
  alpha: Uint8Array;
}

/** A faster refinement with the same bytes: true when it did `work`, false when it declines (the JS runs). */
export interface CpuRefineKernel {
  cpuRefine(work: CpuRefineWork): boolean;
}

export class CpuRefiner {
  private refined: Float32Array | null = null;
  private smoothed: Float32Array | null = null;
  private previousGuide: Uint8ClampedArray | null = null;
  private fresh = true;
  /** The last alpha, one byte per pixel at the last working size. */
  alpha: Uint8Array = new Uint8Array(0);
  width = 0;
  height = 0;

  /** `kernel`: the wasm refinement where the realm runs it (the same bytes); the JS below otherwise. */
  constructor(private readonly kernel: CpuRefineKernel | null = null) {}

  /** Forget the history: the next refinement is not smoothed with earlier ones. */
  reset(): void {
    this.fresh = true;
  }

  get haveAlpha(): boolean {
    return this.alpha.length > 0 && this.alpha.length === this.width * this.height;
  }

  refine(input: RefineInput): Uint8Array {
    const { width: w, height: h } = input;
    if (w !== this.width || h !== this.height) {
      this.width = w;
      this.height = h;
      this.fresh = true;
      this.refined = new Float32Array(w * h);
      this.smoothed = new Float32Array(w * h);
      this.alpha = new Uint8Array(w * h);
      this.previousGuide = null;
    }
    const refined = this.refined!;
    const fresh = this.fresh || !this.previousGuide;
    const previous = fresh ? null : this.smoothed;
    const previousGuide = fresh ? null : this.previousGuide;
    const done = this.kernel?.cpuRefine({ ...input, previous, previousGuide, refined, alpha: this.alpha });
    if (!done) {
      // NOTE: synchronous CPU work, ~1-5 ms at 384x216 (most pixels take the flat shortcut).
      jointBilateralUpsample({ ...input, out: refined });
      smoothMaskInPlace(refined, previous, input.guideHigh, previousGuide);
      const out = this.alpha;
      for (let i = 0; i < refined.length; i++)
        out[i] = EDGE_LUT[Math.min(1023, Math.max(0, (refined[i]! * 1023) | 0))]!;
    }
    [this.smoothed, this.refined] = [refined, this.smoothed];
    this.previousGuide = input.guideHigh;
    this.fresh = false;
    return this.alpha;
  }
}
