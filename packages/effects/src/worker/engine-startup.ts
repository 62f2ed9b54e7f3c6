import type { Logger } from '../log.js';
import { QUALITY_LEVELS, type QualityLevel } from '../mask/budget.js';
import type { ResolvedEffectMode } from '../mode.js';
import type { Compositor } from '../render/compositor.js';
import { planRenderer, type RendererPlan } from '../startup/decisions.js';
import { epochNow, StartupTimeline } from '../startup/timeline.js';
import type { EngineCallbacks, EngineOptions } from './engine-deps.js';
import type { StageTimer } from './stats.js';

/** Frames that warm the refinement and compositing code while the model loads (see EngineStartup.warmUp). */
const WARM_UP_FRAMES = 2;
/** The flat mask a warm-up refines: the model's output size. */
const WARM_UP_MASK = { width: 256, height: 144 };
/**
 * The first effected frames of a start run code V8 has not optimized yet (and under load its compiler threads
 * get little CPU): they refine at the cheap refinement's working size and run the model once (no mirrored pass),
 * a quarter of the pixels for the slowest loops, and their cost is kept from the budget like a warm-up's.
 */
export const START_FRAMES = 4;
/** The cheap refinement (the first level that refines below full size), the model on every frame, once. */
export const START_QUALITY: QualityLevel = {
  ...(QUALITY_LEVELS.find((level) => level.refineScale < 1) ?? QUALITY_LEVELS[0]!),
  segmentEvery: 1,
  mirrorAverage: false,
};

export interface EngineStartupOptions {
  /** The engine's stage timer: the first effected frame's stages go into the timelines. */
  timer: StageTimer;
  /** The engine's callbacks: a timeline is reported through `startup` when its first effected frame is made. */
  callbacks: EngineCallbacks;
  log: Logger;
}

/**
 * What a start adds to the Engine: the back end's plan, the warm-up frames while the model loads, and the
 * start-up timeline (and a resumed effect's) up to the first effected frame.
 */
export class EngineStartup {
  readonly timeline = new StartupTimeline(epochNow);
  /** A suspended effect chosen again: its own short timeline, up to its first effected frame. */
  private resumeTimeline: StartupTimeline | null = null;
  /** performance.now() when the model became ready (or the resumed mode arrived): the first frame's wait. */
  private readyAt: number | null = null;
  private warmUps = 0;

  constructor(private readonly deps: EngineStartupOptions) {}

  /** The model is ready: the first effected frame's wait starts now. */
  modelReady(): void {
    this.readyAt = performance.now();
  }

  /**
   * A suspended effect is chosen again (at `requestedAt`, epoch ms, on the page): its first effected frame is
   * reported as a 'resume' timeline (start-up event), so the time from the choice is known there too.
   */
  resumeRequested(requestedAt: number): void {
    this.resumeTimeline = new StartupTimeline(epochNow, 'resume');
    this.resumeTimeline.mark('created', requestedAt);
    this.resumeTimeline.runtime = this.timeline.runtime;
    this.resumeTimeline.wasm = 'page';
    this.resumeTimeline.model = 'page';
    this.resumeTimeline.decisions = this.timeline.decisions;
    this.readyAt = performance.now();
  }

  /**
   * The plan for the back end (startup/decisions.ts) from the options and the GL renderer start() looked at;
   * recorded as the timeline's decisions.
   */
  rendererPlan(options: EngineOptions): RendererPlan {
    const { renderer, cachedRenderer } = options;
    const glRenderer = this.timeline.glRenderer;
    const plan = planRenderer({
      requested: renderer,
      cached: cachedRenderer ?? null,
      webgl2: glRenderer !== null,
      glRenderer,
      videoFrame: typeof VideoFrame !== 'undefined',
    });
    this.timeline.decisions = plan.source;
    return plan;
  }

  /** Whether a frame drawn while the model loads warms up first (the first WARM_UP_FRAMES do). */
  get wantsWarmUp(): boolean {
    return this.warmUps < WARM_UP_FRAMES;
  }

  /**
   * While the model loads: refinement and compositing once on this frame with a flat mask, the result drawn
   * over by the privacy frame, so the first effected frame runs code the JIT has seen (cold, it cost 100–500 ms
   * more than warm here) rather than the start-up paying for it after the model is ready. The history is
   * forgotten after. Returns the ms spent.
   */
  warmUp(compositor: Compositor, mode: ResolvedEffectMode, quality: QualityLevel): number {
    const t = performance.now();
    this.warmUps++;
    try {
      compositor.modelInput();
      compositor.setMask(
        new Float32Array(WARM_UP_MASK.width * WARM_UP_MASK.height).fill(0.5),
        WARM_UP_MASK.width,
        WARM_UP_MASK.height,
      );
      compositor.refine(quality);
      compositor.composite(mode, quality);
    } catch (error) {
      // Not needed for anything but speed: the real first frame reports any real failure.
      this.deps.log.debug('warm-up failed', { error });
    } finally {
      compositor.resetTemporal();
    }
    return performance.now() - t;
  }

  /**
   * An effected frame was made (begun at `t0`, its composite took `compositeMs`): a timeline that has no first
   * frame yet gets this one's stages and is reported; the resume timeline ends here.
   */
  effectedFrame(t0: number, compositeMs: number): void {
    const { timer, callbacks } = this.deps;
    for (const timeline of [this.timeline, this.resumeTimeline]) {
      if (!timeline || timeline.has('firstFrame')) continue;
      timeline.detail('frameWait', this.readyAt === null ? Number.NaN : t0 - this.readyAt);
      timeline.detail('frameSegment', timer.last('segment'));
      timeline.detail('frameMirror', timer.last('mirror'));
      timeline.detail('frameRefine', timer.last('refine'));
      timeline.detail('frameComposite', compositeMs);
      timeline.mark('firstFrame');
      callbacks.startup?.(timeline.report());
    }
    this.resumeTimeline = null;
  }
}
