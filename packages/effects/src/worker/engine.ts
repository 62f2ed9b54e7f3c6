import { EffectError } from '../errors.js';
import { hasWebGL2 } from '../features.js';
import { createLogger } from '../log.js';
import { BudgetController, QUALITY_LEVELS, shouldSegment } from '../mask/budget.js';
import { createCanvas2DCompositor } from '../render/canvas2d-compositor.js';
import type { Compositor } from '../render/compositor.js';
import type { FrameSource } from '../render/source-stage.js';
import { createWebGLCompositor } from '../render/webgl-compositor.js';
import { chooseDelegate } from '../segmentation/delegate.js';
import type { Progress } from '../segmentation/fetch-progress.js';
import { type Delegate, loadRuntime, type ModelMask, type Segmenter } from '../segmentation/segmenter.js';
import type { ResolvedMode } from './resolved-mode.js';
import { type EffectStats, RateMeter, StageTimer } from './stats.js';

export interface EngineOptions {
  assetBase: string;
  modelUrl?: string;
  delegate: Delegate | 'auto';
  /** Let the frame-budget controller lower quality under load (off for the mask processor). */
  adaptive: boolean;
  /** Force the Canvas2D compositor even where WebGL2 exists (tests of the slow path). */
  forceCanvas2d?: boolean;
}

export interface EngineCallbacks {
  progress(p: Progress): void;
  ready(info: {
    delegate: Delegate;
    runtime: Compositor['runtime'];
    measuredMs: Partial<Record<Delegate, number>>;
  }): void;
  error(error: EffectError): void;
}

/**
 * Turns camera frames into output frames on one OffscreenCanvas: segmentation, refinement, composition and
 * the budget controller. Runs in the effects worker (or on the page for the mask processor). Never draws a
 * raw camera frame while the mode is not `none`.
 */
export class Engine {
  state: 'loading' | 'ready' | 'failed' | 'disposed' = 'loading';
  private readonly compositor: Compositor;
  private segmenter: Segmenter | null = null;
  private mode: ResolvedMode = { kind: 'none' };
  private readonly budget: BudgetController;
  private readonly timer = new StageTimer();
  private readonly fpsIn = new RateMeter();
  private readonly fpsOut = new RateMeter();
  private privacyFrames = 0;
  private frameIndex = 0;
  private haveMask = false;
  private lastRaw: ModelMask | null = null;
  private measuredMs: Partial<Record<Delegate, number>> = {};
  private readonly log = createLogger('effects.engine');

  constructor(
    readonly canvas: OffscreenCanvas,
    private readonly options: EngineOptions,
    private readonly callbacks: EngineCallbacks,
  ) {
    this.compositor =
      !options.forceCanvas2d && hasWebGL2()
        ? createWebGLCompositor(canvas)
        : createCanvas2DCompositor(canvas);
    this.budget = new BudgetController({}, options.adaptive ? QUALITY_LEVELS : [QUALITY_LEVELS[0]!]);
  }

  get runtime(): Compositor['runtime'] {
    return this.compositor.runtime;
  }

  /** Loads the runtime and model and picks the delegate. Failure leaves the engine in 'failed' (privacy frames). */
  async start(): Promise<void> {
    try {
      const runtime = await loadRuntime({
        assetBase: this.options.assetBase,
        ...(this.options.modelUrl ? { modelUrl: this.options.modelUrl } : {}),
        onProgress: (p) => this.callbacks.progress(p),
      });
      try {
        const choice = await chooseDelegate(runtime, { width: 256, height: 144 }, this.options.delegate);
        if (this.state === 'disposed') {
          choice.segmenter.close();
          return;
        }
        this.segmenter = choice.segmenter;
        this.measuredMs = choice.measuredMs;
      } finally {
        runtime.release();
      }
      this.state = 'ready';
      this.log.info('ready', { delegate: this.segmenter.delegate, runtime: this.runtime });
      this.callbacks.ready({
        delegate: this.segmenter.delegate,
        runtime: this.runtime,
        measuredMs: this.measuredMs,
      });
    } catch (error) {
      this.fail(error, 'model_load_failed');
    }
  }

  setMode(mode: ResolvedMode): void {
    const previous = this.mode;
    this.mode = mode;
    if (previous.kind === 'replace' && (mode.kind !== 'replace' || mode.image !== previous.image))
      previous.image.close();
    if (mode.kind === 'replace' && mode.image !== (previous.kind === 'replace' ? previous.image : null)) {
      this.compositor.setBackground(mode.image);
    }
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
    this.fpsIn.tick(t0);
    this.budget.frameArrived(timestampMs);
    const quality = this.budget.quality;
    this.compositor.prepare(frame);
    const t1 = performance.now();
    this.timer.add('prepare', t1 - t0);
    const mode = this.mode;
    if (mode.kind === 'none') {
      this.reset();
      this.compositor.composite({ mode: 'none', strength: 0, color: [0, 0, 0], quality });
    } else if (this.state !== 'ready' || !this.updateMask(timestampMs)) {
      this.privacyFrames++;
      this.compositor.composite({ mode: 'privacy', strength: 0, color: [0, 0, 0], quality });
    } else {
      const t2 = performance.now();
      this.compositor.composite({
        mode: mode.kind,
        strength: mode.kind === 'blur' ? mode.strength : 0,
        color: mode.kind === 'remove' ? mode.color : [0, 0, 0],
        quality,
      });
      this.timer.add('composite', performance.now() - t2);
    }
    const cost = performance.now() - t0;
    this.timer.add('total', cost);
    this.budget.frameDone(cost, timestampMs);
  }

  /** Records that the caller delivered an output frame (and what that cost). */
  frameDelivered(outputMs: number): void {
    this.fpsOut.tick(performance.now());
    this.timer.add('output', outputMs);
  }

  /** The mask-processor path: the same stages, then the final alpha and the bare model output. */
  processForMask(frame: FrameSource, timestampMs: number) {
    if (this.state !== 'ready') throw new EffectError('model_load_failed', 'the model is not loaded');
    const t0 = performance.now();
    this.fpsIn.tick(t0);
    this.compositor.prepare(frame);
    if (!this.updateMask(timestampMs) || !this.lastRaw) {
      throw new EffectError('segmentation_failed', 'segmentation failed');
    }
    const alpha = this.compositor.readAlpha();
    this.timer.add('total', performance.now() - t0);
    this.fpsOut.tick(performance.now());
    return { alpha, raw: this.lastRaw };
  }

  stats(pipeline: EffectStats['pipeline']): EffectStats {
    const now = performance.now();
    return {
      state: this.state,
      runtime: this.runtime,
      delegate: this.segmenter?.delegate ?? null,
      delegateMeasuredMs: this.measuredMs,
      pipeline,
      fpsIn: this.fpsIn.rate(now),
      fpsOut: this.fpsOut.rate(now),
      framesIn: this.fpsIn.count,
      framesOut: this.fpsOut.count,
      privacyFrames: this.privacyFrames,
      msPerStage: this.timer.perStage(),
      msPerFrameP50: this.timer.percentile(0.5),
      msPerFrameP95: this.timer.percentile(0.95),
      budget: this.budget.snapshot(),
    };
  }

  dispose(): void {
    if (this.state === 'disposed') return;
    this.state = 'disposed';
    if (this.mode.kind === 'replace') this.mode.image.close();
    this.mode = { kind: 'none' };
    this.segmenter?.close();
    this.segmenter = null;
    this.compositor.dispose();
  }

  /** Runs the model when due and refines; false (and 'failed') when the model crashed. */
  private updateMask(timestampMs: number): boolean {
    const segmenter = this.segmenter;
    if (!segmenter) return false;
    const quality = this.budget.quality;
    try {
      if (shouldSegment(this.frameIndex, quality, this.haveMask)) {
        const t = performance.now();
        const mask = segmenter.segment(this.compositor.modelInput(), timestampMs);
        this.compositor.setMask(mask.data, mask.width, mask.height);
        this.lastRaw = mask;
        this.haveMask = true;
        this.timer.add('segment', performance.now() - t);
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
    const e =
      error instanceof EffectError
        ? error
        : new EffectError(code, 'background effect failed', { cause: error });
    this.log.error('failed', { code: e.code, message: e.message });
    this.callbacks.error(e);
  }
}
