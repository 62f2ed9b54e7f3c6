/**
 * Frame-budget controller. It watches what processing a frame costs against the camera's frame interval and
 * steps through quality levels, cheapest-to-lose first, so that the output keeps the camera's frame rate.
 * Pure: fed with numbers, returns decisions. No timers, no DOM.
 */
export interface QualityLevel {
  /** Run the model on every Nth frame; in between, reuse the last mask (re-refined on the new frame). */
  segmentEvery: number;
  /**
   * Run the model on the mirrored picture too and average the two (mask/mirror.ts): steadier, closer edges for
   * a second inference per model frame. The first thing given up under load.
   */
  mirrorAverage?: boolean;
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
  { segmentEvery: 1, mirrorAverage: true, refineScale: 1, bilateralRadius: 2, blurScale: 0.5, blurTaps: 13 },
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

/** How much more a frame costs at `to` than at `from`, from the pixel counts (1 when the size is the same). */
export function costGrowth(from: QualityLevel, to: QualityLevel): number {
  return ((to.frameScale ?? 1) / (from.frameScale ?? 1)) ** 2;
}

export interface BudgetDecision {
  /** Timestamp (ms) of the frame that triggered it. */
  atMs: number;
  from: number;
  to: number;
  reason: string;
}

export interface BudgetOptions {
  /** Fraction of the frame interval the effect may use (the rest is for the browser and encoder). */
  headroom: number;
  /** Frames over budget (EMA) before stepping down. */
  overFrames: number;
  /** Frames well under budget before stepping back up. */
  underFrames: number;
  /** Step up only when cost x this factor of the next level still fits. */
  upMargin: number;
  /** EMA weight of the newest sample. */
  emaWeight: number;
  /** Decisions kept for stats(). */
  keepDecisions: number;
}

export const DEFAULT_BUDGET: BudgetOptions = {
  headroom: 0.8,
  overFrames: 8,
  underFrames: 90,
  upMargin: 0.5,
  emaWeight: 0.1,
  keepDecisions: 16,
};

export interface BudgetSnapshot {
  level: number;
  quality: QualityLevel;
  costMsEma: number;
  frameIntervalMsEma: number;
  budgetMs: number;
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
  private readonly decisions: BudgetDecision[] = [];
  private readonly options: BudgetOptions;

  constructor(
    options: Partial<BudgetOptions> = {},
    private readonly levels: readonly QualityLevel[] = QUALITY_LEVELS,
  ) {
    this.options = { ...DEFAULT_BUDGET, ...options };
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
    // A single stall (GC, tab switch) must not push the level down: clip outliers before averaging.
    const sample = Math.min(costMs, 2 * budget);
    this.cost = Number.isNaN(this.cost) ? sample : this.ema(this.cost, sample);
    if (this.cost > budget) {
      this.under = 0;
      if (++this.over >= this.options.overFrames && this.level < this.levels.length - 1) {
        return this.change(
          this.level + 1,
          timestampMs,
          `cost ${this.cost.toFixed(1)} ms > budget ${budget.toFixed(1)} ms`,
        );
      }
    } else {
      this.over = 0;
      // Back up to a larger picture only when its predicted cost fits (no flapping between sizes).
      const up = this.levels[this.level - 1];
      const predicted = up ? this.cost * costGrowth(this.quality, up) : this.cost;
      if (predicted < budget * this.options.upMargin) {
        if (++this.under >= this.options.underFrames && this.level > 0) {
          return this.change(
            this.level - 1,
            timestampMs,
            `cost ${predicted.toFixed(1)} ms < ${(budget * this.options.upMargin).toFixed(1)} ms`,
          );
        }
      } else {
        this.under = 0;
      }
    }
    return null;
  }

  snapshot(): BudgetSnapshot {
    return {
      level: this.level,
      quality: this.quality,
      costMsEma: this.cost,
      frameIntervalMsEma: this.effectiveInterval,
      budgetMs: this.effectiveInterval * this.options.headroom,
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
    this.decisions.push(decision);
    if (this.decisions.length > this.options.keepDecisions) this.decisions.shift();
    return decision;
  }

  private ema(prev: number, sample: number): number {
    return prev + this.options.emaWeight * (sample - prev);
  }
}

/** Whether frame number `n` (counting frames since the mask was last reset) runs the model. */
export function shouldSegment(frameIndex: number, quality: QualityLevel, haveMask: boolean): boolean {
  return !haveMask || frameIndex % quality.segmentEvery === 0;
}
