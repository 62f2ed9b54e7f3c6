import { EffectError } from '../errors.js';
import { createLogger } from '../log.js';
import {
  ADAPTIVE_LEVELS,
  BudgetController,
  QUALITY_LEVELS,
  type QualityLevel,
  shouldSegment,
} from '../mask/budget.js';
import { outputVerdict } from '../mask/output-verdict.js';
import type { ResolvedEffectMode } from '../mode.js';
import type { chooseCompositor } from '../render/choose-compositor.js';
import { type Compositor, PRIVACY_FRAME, type Renderer } from '../render/compositor.js';
import type { FrameScaler } from '../render/frame-scaler.js';
import { type FrameSource, sourceSize } from '../render/source-stage.js';
import type { Delegate, Segmenter } from '../segmentation/segmenter.js';
import type { PageRuntime } from '../segmentation/tflite-runtime.js';
import type { RendererPlan } from '../startup/decisions.js';
import type { StartupTimeline } from '../startup/timeline.js';
import {
  type EngineCallbacks,
  type EngineDeps,
  type EngineOptions,
  REAL_ENGINE_DEPS,
} from './engine-deps.js';
import { EngineStartup, START_FRAMES, START_QUALITY } from './engine-startup.js';
import { ModelPasses } from './model-passes.js';
import { type EffectStats, RateMeter, StageTimer } from './stats.js';

/**
 * Turns camera frames into output frames on one OffscreenCanvas: segmentation, refinement, composition and
 * the budget controller. Runs in the effects worker (or on the page for the mask processor). Never draws a
 * raw camera frame while the mode is not `none`.
 */
export class Engine {
  state: 'loading' | 'ready' | 'failed' | 'disposed' = 'loading';
  private compositor: Compositor;
  /** The back end's plan, made before the first frame (see the constructor). */
  private readonly plan: RendererPlan;
  /** The planned back end could not be made: start() fails with this (privacy frames from Canvas2D). */
  private planError: unknown = null;
  private rendererMeasuredMs: Partial<Record<Renderer, number>> = {};
  private segmenter: Segmenter | null = null;
  private mode: ResolvedEffectMode = { kind: 'none' };
  private readonly budget: BudgetController;
  private readonly scaler: FrameScaler;
  private readonly timer = new StageTimer();
  private readonly fpsIn = new RateMeter();
  private readonly fpsOut = new RateMeter();
  private privacyFrames = 0;
  private frameIndex = 0;
  private haveMask = false;
  /** The model's passes on a model frame; owns the square model. */
  private readonly passes: ModelPasses;
  private measuredMs: Partial<Record<Delegate, number>> = {};
  private readonly log = createLogger('effects.engine');
  private pending: { cost: number; timestampMs: number } | null = null;
  /** Effected frames made at START_QUALITY so far (a worker's start, not a resume: its code is warm). */
  private startFrames = 0;
  /** The warm-up frames and the start-up timelines. */
  private readonly startup: EngineStartup;

  constructor(
    private readonly options: EngineOptions,
    private readonly callbacks: EngineCallbacks,
    private readonly deps: EngineDeps = REAL_ENGINE_DEPS,
  ) {
    this.startup = new EngineStartup({ timer: this.timer, callbacks, log: this.log });
    if (options.createdAt !== undefined) this.timeline.mark('created', options.createdAt);
    // Before the plan: its GL read is the 'readRenderer' step of the next phase, as when start() made it.
    this.timeline.mark('workerStarted');
    // The back end needs no model: planned here, before any frame, so a start whose back end is known (an
    // option, the page's cached choice, software GL) makes no other one first. A throwaway Canvas2D back end
    // cost ~190 ms of canvas flushes in the worker's first task (a trace of a cold link). Only a measured choice
    // starts on Canvas2D, which draws the privacy frames until start() has timed the back ends.
    this.plan = this.planRenderer();
    this.compositor = this.firstCompositor();
    const levels = !options.adaptive
      ? [QUALITY_LEVELS[0]!]
      : options.lowerResolution === false
        ? QUALITY_LEVELS
        : ADAPTIVE_LEVELS;
    this.budget = new BudgetController({}, levels);
    this.scaler = deps.createFrameScaler();
    this.passes = new ModelPasses({
      options,
      loadModel: deps.loadModel,
      timer: this.timer,
      log: this.log,
      disposed: () => this.state === 'disposed',
    });
    if (options.frameRate) this.budget.setNominalInterval(1000 / options.frameRate);
  }

  /** The quality of the next frame: START_QUALITY for a start's first effected frames, else the budget's. */
  private get frameQuality(): QualityLevel {
    return this.options.adaptive && this.state === 'ready' && this.startFrames < START_FRAMES
      ? START_QUALITY
      : this.budget.quality;
  }

  /** The start's timeline: from the page's creating the effect to its first effected frame. */
  get timeline(): StartupTimeline {
    return this.startup.timeline;
  }

  get renderer(): Renderer {
    return this.compositor.renderer;
  }

  /** The output frame of the last process() (the caller owns it). */
  outputFrame(timestamp: number): VideoFrame {
    return this.compositor.outputFrame(timestamp);
  }

  /** The output of the last process() as an ImageBitmap, or a promise of one (the caller owns it). */
  outputBitmap(): ImageBitmap | Promise<ImageBitmap> {
    return this.compositor.outputBitmap();
  }

  /**
   * Loads the runtime and model and picks the delegate. Failure leaves the engine in 'failed' (privacy frames).
   * `pageRuntime`: what the page compiled and fetched for this start (null: it could not; the engine loads the
   * files itself).
   */
  async start(pageRuntime?: Promise<PageRuntime | null>): Promise<void> {
    try {
      if (this.planError !== null) throw this.planError;
      // NOTE: a measured choice times the back ends on a few frames (a second under software GL); done once,
      // then cached by the page. Before the downloads are awaited, so it overlaps them.
      if (this.plan.renderer === 'measure')
        this.swapCompositor(this.deps.chooseCompositor({ webgl2: this.plan.webgl2 }));
      const waitFrom = performance.now();
      const given = pageRuntime ? await pageRuntime : null;
      if (pageRuntime) this.timeline.detail('runtimeWait', performance.now() - waitFrom);
      if ((this.state as Engine['state']) === 'disposed') return;
      const options: EngineOptions = given
        ? {
            ...this.options,
            runtimeCache: given.cache,
            runtimeSources: { wasm: given.wasm, model: given.model },
          }
        : this.options;
      const choice = await this.deps.loadSegmenter(options, (p) => this.callbacks.progress(p), this.timeline);
      if (this.state === 'disposed') {
        choice.segmenter.close();
        return;
      }
      this.segmenter = choice.segmenter;
      this.measuredMs = choice.measuredMs;
      this.passes.runtime = choice.cache ?? options.runtimeCache ?? null;
      // Only what this worker loaded itself goes back to the page (it already holds what it gave).
      if (choice.cache && !options.runtimeCache) this.callbacks.runtimeCache?.(choice.cache);
      this.timeline.mark('calibrated');
      this.state = 'ready';
      this.warmUpBeforeFirstFrame();
      this.startup.modelReady();
      this.log.info('ready', { delegate: this.segmenter.delegate, renderer: this.renderer });
      this.callbacks.ready({
        delegate: this.segmenter.delegate,
        renderer: this.renderer,
        measuredMs: this.measuredMs,
        rendererMeasuredMs: this.rendererMeasuredMs,
      });
      this.callbacks.startup?.(this.timeline.report());
    } catch (error) {
      this.fail(error, 'model_load_failed');
    }
  }

  /**
   * A suspended effect is chosen again (at `requestedAt`, epoch ms, on the page): its first effected frame is
   * reported as a 'resume' timeline (start-up event), so the time from the choice is known there too.
   */
  resumeRequested(requestedAt: number): void {
    this.startup.resumeRequested(requestedAt);
  }

  setMode(mode: ResolvedEffectMode): void {
    const previous = this.mode;
    this.mode = mode;
    if (previous.kind === 'replace' && (mode.kind !== 'replace' || mode.image !== previous.image))
      previous.image.close();
    if (mode.kind === 'replace' && mode.image !== (previous.kind === 'replace' ? previous.image : null)) {
      this.compositor.setBackground(mode.image);
    }
  }

  /**
   * The camera's frame interval measured by the page (frames pipeline: frames that reach the worker are sparser
   * than the camera's when it falls behind). A rate the camera states (options.frameRate) takes precedence.
   */
  setCameraInterval(ms: number): void {
    if (!this.options.frameRate) this.budget.setNominalInterval(ms);
  }

  /** Forgets the mask history: the next frame is segmented afresh and not smoothed with earlier ones. */
  reset(): void {
    this.haveMask = false;
    this.frameIndex = 0;
    this.compositor.resetTemporal();
  }

  /** Renders one output frame onto the canvas. Does not close `frame`. */
  process(frame: FrameSource, timestampMs: number): void {
    if (this.state === 'disposed') throw EffectError.invalidState('engine disposed');
    const t0 = performance.now();
    // This frame's stages read 0 unless it runs them (the first effected frame's are start-up steps).
    this.timer.clearLast();
    this.fpsIn.tick(t0);
    this.passes.frameSize = sourceSize(frame);
    this.budget.frameArrived(timestampMs);
    const quality = this.frameQuality;
    const scale = quality.frameScale ?? 1;
    // NOTE: at the half-resolution level, one synchronous downscaling pass (the output is that size too): the
    // YUV back end averages its planes; the others get a frame drawn small on a canvas.
    if (this.compositor.scalesFrames) this.compositor.prepare(frame, scale);
    else this.compositor.prepare(this.scaler.scale(frame, scale));
    if (this.options.slowFrameMs) {
      // NOTE: test-only busy wait (simulates a device too slow for the effect).
      const until = performance.now() + this.options.slowFrameMs;
      while (performance.now() < until) {}
    }
    const t1 = performance.now();
    this.timer.add('prepare', t1 - t0);
    const mode = this.mode;
    let warmMs = 0;
    let startFrame = false;
    if (mode.kind === 'none') {
      this.reset();
      this.compositor.composite(mode, quality);
    } else if (this.state !== 'ready' || !this.updateMask(timestampMs)) {
      if (this.state === 'loading' && this.startup.wantsWarmUp) {
        warmMs = this.startup.warmUp(this.compositor, mode, quality);
        this.timeline.detail('warmUp', warmMs);
      }
      this.privacyFrames++;
      // Drawn after any warm-up, over all of it: the frame that leaves is the privacy frame.
      this.compositor.composite(PRIVACY_FRAME, quality);
    } else {
      const t2 = performance.now();
      this.compositor.composite(mode, quality);
      const compositeMs = performance.now() - t2;
      this.timer.add('composite', compositeMs);
      if (this.options.adaptive && this.startFrames < START_FRAMES) {
        this.startFrames++;
        startFrame = true;
      }
      this.startup.effectedFrame(t0, compositeMs);
    }
    // A warm-up, or a start's first frames, are start-up work, not what a frame costs: the budget does not see it.
    this.pending = startFrame ? null : { cost: performance.now() - t0 - warmMs, timestampMs };
  }

  /** Records time the frame loop spent outside a frame: waiting for a camera frame, or for the page to take one. */
  loopWait(stage: 'wait' | 'write', ms: number): void {
    this.timer.add(stage, ms);
  }

  /** Records that the caller delivered an output frame (and what making it cost). */
  frameDelivered(outputMs: number): void {
    this.fpsOut.tick(performance.now());
    this.timer.add('output', outputMs);
    if (this.pending) {
      const cost = this.pending.cost + outputMs;
      this.timer.add('total', cost);
      this.budget.frameDone(cost, this.pending.timestampMs);
      this.pending = null;
    }
  }

  /**
   * Starts loading the model a frame of this size wants at full quality and resolves once it is loaded or
   * failed: the mask processor waits, so its results do not depend on how fast the file arrived (the live
   * effect does not wait; it runs the mirrored pass meanwhile).
   */
  async modelFor(size: { width: number; height: number }): Promise<void> {
    this.passes.frameSize = size;
    if (this.state === 'ready' && this.budget.quality.mirrorAverage) this.passes.secondPass();
    await this.passes.squareSettled;
  }

  /** The mask-processor path: the same stages, then the final alpha and the bare model output. */
  processForMask(frame: FrameSource, timestampMs: number) {
    if (this.state !== 'ready') throw new EffectError('model_load_failed', 'the model is not loaded');
    const t0 = performance.now();
    this.fpsIn.tick(t0);
    this.passes.frameSize = sourceSize(frame);
    this.compositor.prepare(frame);
    if (!this.updateMask(timestampMs) || !this.passes.lastRaw) {
      throw new EffectError('segmentation_failed', 'segmentation failed');
    }
    const alpha = this.compositor.readAlpha();
    this.timer.add('total', performance.now() - t0);
    this.fpsOut.tick(performance.now());
    return { alpha, raw: this.passes.lastRaw };
  }

  stats(pipeline: EffectStats['pipeline']): EffectStats {
    const now = performance.now();
    const budget = this.budget.snapshot();
    const fpsOut = this.fpsOut.rate(now);
    return {
      state: this.state,
      renderer: this.renderer,
      kernels: this.compositor.kernels ?? null,
      delegate: this.segmenter?.delegate ?? null,
      delegateMeasuredMs: this.measuredMs,
      rendererMeasuredMs: this.rendererMeasuredMs,
      pipeline,
      fpsIn: this.fpsIn.rate(now),
      fpsOut,
      framesIn: this.fpsIn.count,
      framesOut: this.fpsOut.count,
      privacyFrames: this.privacyFrames,
      msPerStage: this.timer.perStage(),
      msPerFrameP50: this.timer.percentile(0.5),
      msPerFrameP95: this.timer.percentile(0.95),
      budget,
      secondPass: this.passes.lastSecondPass,
      // Judged only while an effect runs: privacy frames and 'none' are not held to the rule.
      degraded:
        this.state === 'ready' && this.mode.kind !== 'none' && this.options.adaptive
          ? outputVerdict({
              fpsOut,
              cameraIntervalMs: budget.frameIntervalMsEma,
              level: budget.level,
              lowestLevel: this.budget.lowestLevel,
              frameScale: budget.quality.frameScale ?? 1,
              // The budget's average clips each frame at twice the budget (stalls must not swing the level);
              // what a frame really costs is the larger of it and the measured median.
              costMs: Math.max(budget.costMsEma, this.timer.percentile(0.5)),
              budgetMs: budget.budgetMs,
            })
          : null,
    };
  }

  dispose(): void {
    if (this.state === 'disposed') return;
    this.state = 'disposed';
    if (this.mode.kind === 'replace') this.mode.image.close();
    this.mode = { kind: 'none' };
    this.segmenter?.close();
    this.segmenter = null;
    this.passes.close();
    this.compositor.dispose();
    this.scaler.dispose();
  }

  /**
   * The back end's plan: the option or the page's cached choice as given; 'auto' on a software rasterizer: a
   * CPU back end with no trial; else measured (in start()).
   */
  private planRenderer(): RendererPlan {
    // NOTE: synchronous (a GL context: ~0.1–0.6 s on SwiftShader), in the worker's init task, before start()
    // awaits the downloads. Not needed when the back end is already known.
    if (this.options.renderer === 'auto' && this.options.cachedRenderer === undefined) {
      // A spare worker may have read it while the camera opened (its 'probeRenderer'): then no step here.
      const known = this.deps.glRendererKnown?.() ?? false;
      const readAt = performance.now();
      this.timeline.glRenderer = this.deps.glRenderer();
      if (!known) this.timeline.detail('readRenderer', performance.now() - readAt);
    }
    return this.startup.rendererPlan(this.options);
  }

  /**
   * The planned back end (Canvas2D until a measured choice is made). If it cannot be made, Canvas2D draws the
   * privacy frames and start() fails with why.
   */
  private firstCompositor(): Compositor {
    if (this.plan.renderer === 'measure') return this.deps.createCompositor('canvas2d');
    try {
      return this.deps.createCompositor(this.plan.renderer);
    } catch (error) {
      this.planError = error;
      return this.deps.createCompositor('canvas2d');
    }
  }

  /** Replaces the back end by a measured choice's. */
  private swapCompositor(
    choice: Pick<ReturnType<typeof chooseCompositor>, 'compositor' | 'measuredMs'>,
  ): void {
    this.rendererMeasuredMs = choice.measuredMs;
    const old = this.compositor;
    this.compositor = choice.compositor;
    if (this.mode.kind === 'replace') this.compositor.setBackground(this.mode.image);
    this.reset();
    old.dispose();
  }

  /**
   * A start whose model was ready at once (a preload) has drawn no frame yet, so its refinement and compositing
   * code is cold, and the camera's first frame is still on its way (~0.1 s): one warm-up pass on a blank frame
   * runs that code now, in the wait, instead of in the first effected frame. bench:start, 5 runs: the first
   * frame's refine/composite steps 58/28 -> 4/3 ms (coldLoad), camera open -> sender's first effected frame
   * 0.72x (coldLoad) and 0.54x (coldVisit). A start that loaded its model had its warm-ups on the frames that
   * came meanwhile (wantsWarmUp is false then).
   */
  private warmUpBeforeFirstFrame(): void {
    const make = this.deps.syntheticFrame;
    if (!make || this.mode.kind === 'none' || !this.startup.wantsWarmUp) return;
    const frame = make();
    try {
      this.compositor.prepare(frame);
      this.timeline.detail('warmUp', this.startup.warmUp(this.compositor, this.mode, START_QUALITY));
    } catch (error) {
      // Only speed depends on it: the first real frame reports any real failure.
      this.log.debug('warm-up failed', { error });
    } finally {
      frame.close();
    }
  }

  /** Runs the model when due and refines; false (and 'failed') when the model crashed. */
  private updateMask(timestampMs: number): boolean {
    const segmenter = this.segmenter;
    if (!segmenter) return false;
    const quality = this.frameQuality;
    try {
      if (shouldSegment(this.frameIndex, quality, this.haveMask)) {
        const mask = this.passes.segment(segmenter, this.compositor, quality, timestampMs);
        this.compositor.setMask(mask.data, mask.width, mask.height);
        this.haveMask = true;
      }
      const t = performance.now();
      this.compositor.refine(quality);
      this.timer.add('refine', performance.now() - t);
      this.frameIndex++;
      return true;
    } catch (error) {
      this.fail(error, 'segmentation_failed');
      return false;
    }
  }

  private fail(error: unknown, code: 'model_load_failed' | 'segmentation_failed'): void {
    if (this.state === 'disposed') return;
    this.state = 'failed';
    this.segmenter?.close();
    this.segmenter = null;
    this.passes.close();
    const e =
      error instanceof EffectError
        ? error
        : new EffectError(code, 'background effect failed', { cause: error });
    this.log.error('failed', { code: e.code, message: e.message });
    this.callbacks.error(e);
  }
}
