/**
 * Frame-budget controller. It watches what processing a frame costs against the camera's frame interval and
 * steps through quality levels, cheapest-to-lose first, so that the output keeps the camera's frame rate.
 * Pure: fed with numbers, returns decisions. No timers, no DOM.
 */
export interface QualityLevel {
  /** Run the model on every Nth frame; in between, reuse the last mask (re-refined on the new frame). */
  segmentEvery: number;
  /**
   * Average the model's outputs on the picture and on its mirror (mask/mirror.ts): steadier, closer edges. Both
   * inferences run on every frame that runs the model (two inferences a frame: taking turns, one a frame, was
   * measured and rejected in session 8). The first thing given up under load.
   */
  mirrorAverage?: boolean;
  /**
   * Refine the outline's band again with a colour guided filter (mask/band-refine.ts; YUV back end only):
   * cleaner portrait edges for ~4-5 CPU ms per frame (Node, 720p and 640x480), so full quality only. Absent = off.
   */
  bandRefine?: boolean;
  /** Resolution of mask refinement relative to the output. */
  refineScale: number;
  /** Joint bilateral kernel radius in model pixels. */
  bilateralRadius: number;
  /** Resolution of the background blur relative to the output. */
  blurScale: number;
  /** Taps per blur pass. */
  blurTaps: number;
  /**
   * Scale of the processed (and sent) picture; 1 when absent. Below 1 only at the adaptive levels' end, the
   * last resort when even the cheapest quality cannot keep the camera's rate.
   */
  frameScale?: number;
}

export const QUALITY_LEVELS: readonly QualityLevel[] = [
  {
    segmentEvery: 1,
    mirrorAverage: true,
    bandRefine: true,
    refineScale: 1,
    bilateralRadius: 2,
    blurScale: 0.5,
    blurTaps: 13,
  },
  { segmentEvery: 1, refineScale: 1, bilateralRadius: 2, blurScale: 0.5, blurTaps: 13 },
  { segmentEvery: 2, refineScale: 1, bilateralRadius: 2, blurScale: 0.5, blurTaps: 13 },
  { segmentEvery: 2, refineScale: 0.5, bilateralRadius: 1, blurScale: 0.25, blurTaps: 9 },
  { segmentEvery: 3, refineScale: 0.5, bilateralRadius: 1, blurScale: 0.25, blurTaps: 7 },
];

/** What the live effect adapts through: the quality levels, then the cheapest of them at half resolution. */
export const ADAPTIVE_LEVELS: readonly QualityLevel[] = [
  ...QUALITY_LEVELS,
  { ...QUALITY_LEVELS[QUALITY_LEVELS.length - 1]!, frameScale: 0.5 },
];

export interface BudgetDecision {
  /** Timestamp (ms) of the frame that triggered it. */
  atMs: number;
  from: number;
  to: number;
  reason: string;
}

export interface BudgetOptions {
  /**
   * Fraction of the frame interval a level may cost before the controller steps down (the budget). The rest of
   * the core is the call's: camera capture, the encoder, the decoders of everyone else's video, the page.
   */
  headroom: number;
  /**
   * Fraction of the frame interval the effect aims at: a level that costs less than this steps up (a probe).
   * Between `target` and `headroom` a level holds. A level above that does not hold is left within
   * `probeFrames` and retried ever later, so the target need not predict the cost of the level above.
   */
  target: number;
  /** Frames over budget (EMA) before stepping down. */
  overFrames: number;
  /** Frames well under budget before stepping back up. */
  underFrames: number;
  /** EMA weight of the newest sample. */
  emaWeight: number;
  /** Decisions kept for stats(). */
  keepDecisions: number;
  /**
   * A step up that is undone (stepped down again) within this many frames was a failed probe: the wait before
   * the next step up doubles, up to `maxUnderFrames`. A step up that holds this long resets the wait.
   */
  probeFrames: number;
  /** The longest wait (frames) between two steps up after failed probes. */
  maxUnderFrames: number;
  /**
   * Frames at a new level (and at the start) whose median seeds the cost average before any decision: the
   * first frames after a change are often slow (new buffer sizes, recompiled loops), and one slow seed used
   * to carry the average over budget long enough to step down again, level after level.
   */
  settleFrames: number;
}

/**
 * The effect aims at 0.4 of the frame interval (13.3 ms at 30 fps) and steps down above 0.6 (20 ms). A call on
 * a 2-core laptop runs the effect beside the camera's capture, the VP8 encoder of three simulcast layers,
 * one decoder per visible tile and the page: the effect's worker thread may not take a whole core. The
 * earlier 0.8 / step-up below 0.75 of it settled every picture size at 15-22 ms of the 33.3 ms interval.
 */
export const DEFAULT_BUDGET: BudgetOptions = {
  headroom: 0.6,
  target: 0.4,
  overFrames: 8,
  underFrames: 90,
  emaWeight: 0.1,
  keepDecisions: 16,
  probeFrames: 60,
  maxUnderFrames: 1800,
  settleFrames: 8,
};

export interface BudgetSnapshot {
  level: number;
  quality: QualityLevel;
  costMsEma: number;
  frameIntervalMsEma: number;
  budgetMs: number;
  /** Below this cost (ms) the controller steps up: `target` of the frame interval. */
  targetMs: number;
  /** Frames well under budget the controller now waits for before stepping up (doubles after failed probes). */
  upWaitFrames: number;
  decisions: BudgetDecision[];
}

export class BudgetController {
  private level = 0;
  private cost = Number.NaN;
  private interval = Number.NaN;
  private lastTs = Number.NaN;
  private nominal = Number.NaN;
  private over = 0;
  private under = 0;
  /** Frames well under budget needed before the next step up (grows after failed probes). */
  private upWait: number;
  /** The level a step up left, and frames since, while that step is on probation. */
  private probe: { from: number; frames: number } | null = null;
  /** Samples of the current level's first frames, until `settleFrames` of them seed the average. */
  private settling: number[] | null = [];
  private readonly decisions: BudgetDecision[] = [];
  private readonly options: BudgetOptions;

  constructor(
    options: Partial<BudgetOptions> = {},
    private readonly levels: readonly QualityLevel[] = QUALITY_LEVELS,
  ) {
    this.options = { ...DEFAULT_BUDGET, ...options };
    if (!(this.options.target > 0 && this.options.target < this.options.headroom))
      throw new RangeError(
        `budget target ${this.options.target} must be above 0 and below the headroom ${this.options.headroom}`,
      );
    this.upWait = this.options.underFrames;
  }

  get quality(): QualityLevel {
    return this.levels[this.level]!;
  }

  /** The cheapest level there is. */
  get lowestLevel(): number {
    return this.levels.length - 1;
  }

  /**
   * The camera's own frame interval (from its settings). Frames that reach us can be sparser than the
   * camera's when we fall behind, so the budget never uses a measured interval longer than this.
   */
  setNominalInterval(ms: number): void {
    this.nominal = ms > 0 ? ms : Number.NaN;
  }

  private get effectiveInterval(): number {
    if (Number.isNaN(this.nominal)) return this.interval;
    return Number.isNaN(this.interval) ? this.nominal : Math.min(this.interval, this.nominal);
  }

  /** Records a camera frame's timestamp (ms) for the frame-interval estimate. */
  frameArrived(timestampMs: number): void {
    const dt = timestampMs - this.lastTs;
    this.lastTs = timestampMs;
    // Ignore gaps (pauses, seeks) and duplicates.
    if (!(dt > 1 && dt < 500)) return;
    this.interval = Number.isNaN(this.interval) ? dt : this.ema(this.interval, dt);
  }

  /** Records what one frame cost (ms) and returns a decision if the level changed. */
  frameDone(costMs: number, timestampMs: number): BudgetDecision | null {
    const interval = this.effectiveInterval;
    if (Number.isNaN(interval)) {
      this.cost = Number.isNaN(this.cost) ? costMs : this.ema(this.cost, costMs);
      return null;
    }
    const budget = interval * this.options.headroom;
    if (this.probe && ++this.probe.frames >= this.options.probeFrames) {
      // The step up held: the next one may come as soon as the first did.
      this.probe = null;
      this.upWait = this.options.underFrames;
    }
    // A single stall (GC, tab switch) must not push the level down: clip outliers before averaging.
    const sample = Math.min(costMs, 2 * budget);
    if (this.settling) {
      this.settling.push(sample);
      if (this.settling.length < this.options.settleFrames) return null;
      this.cost = median(this.settling);
      this.settling = null;
    } else {
      this.cost = Number.isNaN(this.cost) ? sample : this.ema(this.cost, sample);
    }
    if (this.cost > budget) {
      this.under = 0;
      if (++this.over >= this.options.overFrames && this.level < this.levels.length - 1) {
        if (this.probe && this.probe.from === this.level + 1) {
          // The level above did not hold: wait longer before trying it again.
          this.upWait = Math.min(this.options.maxUnderFrames, this.upWait * 2);
          this.probe = null;
        }
        return this.change(
          this.level + 1,
          timestampMs,
          `cost ${this.cost.toFixed(1)} ms > budget ${budget.toFixed(1)} ms`,
        );
      }
    } else {
      this.over = 0;
      // Step up when this level costs under the target, as a probe: a level above that does not hold is
      // left again within `probeFrames` and then tried less and less often (no flapping). The pixel count is
      // no predictor of the cost (the model's share does not shrink with the picture), so none is assumed.
      const target = interval * this.options.target;
      if (this.cost < target) {
        if (++this.under >= this.upWait && this.level > 0) {
          const from = this.level;
          const decision = this.change(
            this.level - 1,
            timestampMs,
            `cost ${this.cost.toFixed(1)} ms < target ${target.toFixed(1)} ms`,
          );
          this.probe = { from, frames: 0 };
          return decision;
        }
      } else {
        this.under = 0;
      }
    }
    return null;
  }

  snapshot(): BudgetSnapshot {
    return {
      upWaitFrames: this.upWait,
      level: this.level,
      quality: this.quality,
      costMsEma: this.cost,
      frameIntervalMsEma: this.effectiveInterval,
      budgetMs: this.effectiveInterval * this.options.headroom,
      targetMs: this.effectiveInterval * this.options.target,
      decisions: [...this.decisions],
    };
  }

  private change(to: number, atMs: number, reason: string): BudgetDecision {
    const decision = { atMs, from: this.level, to, reason };
    this.level = to;
    this.over = 0;
    this.under = 0;
    // The cost estimate belongs to the old level; start the new one fresh.
    this.cost = Number.NaN;
    this.settling = this.options.settleFrames > 0 ? [] : null;
    this.decisions.push(decision);
    if (this.decisions.length > this.options.keepDecisions) this.decisions.shift();
    return decision;
  }

  private ema(prev: number, sample: number): number {
    return prev + this.options.emaWeight * (sample - prev);
  }
}

function median(xs: readonly number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** Whether frame number `n` (counting frames since the mask was last reset) runs the model. */
export function shouldSegment(frameIndex: number, quality: QualityLevel, haveMask: boolean): boolean {
  return !haveMask || frameIndex % quality.segmentEvery === 0;
}
