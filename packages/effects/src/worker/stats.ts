import type { BudgetSnapshot } from '../mask/budget.js';
import type { Degraded } from '../mask/output-verdict.js';
import type { CpuKernels, Renderer } from '../render/compositor.js';
import type { FramesPipelineStats } from '../track/frames-pipeline.js';

/**
 * Per-frame stages. `segment`: the model's input and one inference (frames that run the model only);
 * `mirror`: the mirrored second inference and the averaging (level 0, wide frames); `square`: the square model's
 * inference and the blending (level 0, upright frames; segmentation/models.ts). Two parts of those, not added
 * to them: `input`, the model's input picture (compositor.modelInput: at levels with a refineScale the
 * frame's guide pass, shrunk and converted to RGB), the first thing `segment` does; `inference`, the model's
 * runs alone on that frame (both of them at level 0), so segment + mirror/square - inference is our code
 * around the model (the input, the tensor writes, the output copies, the averaging). `total`: the whole frame in the
 * worker (prepare to output). Outside the frame, in the streams pipeline's loop: `wait`, the time the worker
 * waited for the next camera frame (idle: the camera or the page is the limit), and `write`, the time it
 * waited for the page to take the output frame (backpressure).
 */
export type Stage =
  | 'prepare'
  | 'input'
  | 'segment'
  | 'mirror'
  | 'square'
  | 'inference'
  | 'refine'
  | 'composite'
  | 'output'
  | 'total'
  | 'wait'
  | 'write';
export const STAGES: readonly Stage[] = [
  'prepare',
  'input',
  'segment',
  'mirror',
  'square',
  'inference',
  'refine',
  'composite',
  'output',
  'total',
  'wait',
  'write',
];

export interface EffectStats {
  state: 'loading' | 'ready' | 'failed' | 'disposed';
  renderer: Renderer | null;
  /** The YUV back end's byte kernels ('wasm-simd' or 'js'); null for the other back ends. */
  kernels: CpuKernels | null;
  delegate: 'CPU' | 'GPU' | null;
  /** Median ms per inference of each delegate measured at start-up (empty when a cached choice was used). */
  delegateMeasuredMs: Partial<Record<'CPU' | 'GPU', number>>;
  /** Median ms per frame of each compositing back end measured at start-up (empty when cached/forced). */
  rendererMeasuredMs: Partial<Record<Renderer, number>>;
  pipeline: 'streams' | 'frames' | 'page' | null;
  fpsIn: number;
  fpsOut: number;
  framesIn: number;
  framesOut: number;
  /** Frames whose output was the privacy frame (no usable mask yet, or the model failed). */
  privacyFrames: number;
  /** Exponential moving average ms per stage ('total' = the whole frame in the worker). */
  msPerStage: Record<Stage, number>;
  msPerFrameP50: number;
  msPerFrameP95: number;
  budget: BudgetSnapshot | null;
  /**
   * The second inference of the last model frame: `mirror` (the landscape model on the mirrored picture) or
   * `square` (the square model, upright frames); null when it ran none (below full quality) or none ran yet.
   */
  secondPass: 'mirror' | 'square' | null;
  /**
   * Null while the output keeps the budget rule (at least 25 of every 30 camera frames out); else why not
   * (`cpu`: too slow even at the cheapest level; `adapting`: lowering quality; `overhead`: frames lost outside
   * the effect), with the level, the cost and budget in ms, and a sentence.
   */
  degraded: Degraded | null;
  /** Frames pipeline only: what it costs the page (the main thread), and camera frames it had to skip. */
  page?: FramesPipelineStats;
  /** Dark stand-in frames the page wrote while the worker was gone (dead, silent, or replaced and starting). */
  standIns?: number;
}

/** Rolling per-stage timing: EMA per stage and percentiles of the total over the last frames. */
export class StageTimer {
  private readonly ema = new Map<Stage, number>();
  private readonly latest = new Map<Stage, number>();
  private readonly totals: number[] = [];

  add(stage: Stage, ms: number): void {
    this.latest.set(stage, ms);
    const prev = this.ema.get(stage);
    this.ema.set(stage, prev === undefined ? ms : prev + 0.1 * (ms - prev));
    if (stage === 'total') {
      this.totals.push(ms);
      if (this.totals.length > 300) this.totals.shift();
    }
  }

  /** The last ms added to `stage` (0 if none yet): what one frame's stage cost, e.g. the first effected frame's. */
  last(stage: Stage): number {
    return this.latest.get(stage) ?? 0;
  }

  /** Forgets the last values (not the averages): a stage a frame skipped then reads 0. */
  clearLast(): void {
    this.latest.clear();
  }

  perStage(): Record<Stage, number> {
    const out = {} as Record<Stage, number>;
    for (const s of STAGES) out[s] = round(this.ema.get(s) ?? 0);
    return out;
  }

  percentile(p: number): number {
    if (this.totals.length === 0) return 0;
    const s = [...this.totals].sort((a, b) => a - b);
    return round(s[Math.min(s.length - 1, Math.floor(p * s.length))]!);
  }
}

/** Counts events over a sliding one-second window. */
export class RateMeter {
  private readonly times: number[] = [];
  count = 0;

  tick(now: number): void {
    this.count++;
    this.times.push(now);
    while (this.times.length > 0 && this.times[0]! < now - 2000) this.times.shift();
  }

  rate(now: number): number {
    const recent = this.times.filter((t) => t >= now - 2000);
    if (recent.length < 2) return 0;
    return round(((recent.length - 1) * 1000) / Math.max(1, now - recent[0]!));
  }
}

function round(x: number): number {
  return Math.round(x * 100) / 100;
}
