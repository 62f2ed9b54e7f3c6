import { EffectError } from '../errors.js';
import type { Logger } from '../log.js';
import type { QualityLevel } from '../mask/budget.js';
import { averageIntoMirrored, mirrorRgba } from '../mask/mirror.js';
import { blendOnto } from '../mask/model-blend.js';
import type { Compositor } from '../render/compositor.js';
import { MODELS, type SecondPass, secondPassFor } from '../segmentation/models.js';
import type { ModelMask, Segmenter } from '../segmentation/segmenter.js';
import type { RuntimeCache } from '../segmentation/tflite-runtime.js';
import type { EngineDeps, EngineOptions } from './engine-deps.js';
import type { StageTimer } from './stats.js';

/** The square model, loaded when an upright frame first wants it (a wide camera never fetches it). */
interface SquareModel {
  state: 'loading' | 'ready' | 'failed';
  segmenter: Segmenter | null;
  settled: Promise<void>;
}

export interface ModelPassesOptions {
  /** The engine's options: what a second model loads with, and the test-only fault injection. */
  options: EngineOptions;
  loadModel: EngineDeps['loadModel'];
  /** The engine's stage timer: the passes record `input`, `segment`, `mirror`, `square` and `inference`. */
  timer: StageTimer;
  log: Logger;
  /** Whether the engine was disposed: a square model that arrives after that is closed at once. */
  disposed(): boolean;
}

/**
 * The model's passes on a model frame: the engine's model on the picture, then, when the quality asks for it,
 * a second inference chosen by the frame's shape (segmentation/models.ts): the landscape model on the mirrored
 * picture, averaged in, or for an upright frame a second, square model blended with the first. Owns the square
 * model (loaded into a new instance of the compiled runtime when an upright frame first wants it) and closes it;
 * the engine's model stays the engine's, lent for each frame.
 */
export class ModelPasses {
  /** The compiled TFLite runtime (null with MediaPipe Tasks): another model loads into a new instance of it. */
  runtime: RuntimeCache | null = null;
  /** The size of the frame being processed (its shape picks the second model pass). */
  frameSize = { width: 0, height: 0 };
  private square: SquareModel | null = null;
  private raw: ModelMask | null = null;
  private pass: SecondPass | null = null;
  /** The mirrored model input, reused (it was a fresh 147 KB array and ImageData per model frame). */
  private mirroredInput: ImageData | null = null;
  private inferences = 0;

  constructor(private readonly deps: ModelPassesOptions) {}

  /** The bare model output of the last model frame (null: none ran). */
  get lastRaw(): ModelMask | null {
    return this.raw;
  }

  /** The second pass of the last model frame (null: none ran). */
  get lastSecondPass(): SecondPass | null {
    return this.pass;
  }

  /** Settles when the square model's load, if one started, has loaded or failed. */
  get squareSettled(): Promise<void> | undefined {
    return this.square?.settled;
  }

  /** Runs the model, and the second pass when `quality` asks for it, on the compositor's model input: the mask. */
  segment(
    segmenter: Segmenter,
    compositor: Compositor,
    quality: QualityLevel,
    timestampMs: number,
  ): ModelMask {
    const { timer } = this.deps;
    const t = performance.now();
    if (this.inferences++ === this.deps.options.failSegmentationAfter) {
      throw new EffectError('segmentation_failed', 'injected fault (testing)');
    }
    const input = compositor.modelInput(undefined, quality.refineScale);
    timer.add('input', performance.now() - t);
    const mask = segmenter.segment(input, timestampMs);
    let inferenceMs = segmenter.inferenceMs ?? 0;
    // The bare model output, kept for the mask processor's `raw` (what the rest of the pipeline adds to):
    // the mirrored pass averages into its own output, so this stays as the model gave it.
    this.raw = mask;
    timer.add('segment', performance.now() - t);
    const pass = quality.mirrorAverage ? this.secondPass() : null;
    this.pass = pass;
    let final: ModelMask = mask;
    if (pass === 'square') {
      const ts = performance.now();
      const second = this.square!.segmenter!;
      // NOTE: a second synchronous inference (the square model, ~1.8x the landscape one's pixels).
      const square = second.segment(
        compositor.modelInput(MODELS.square.input, quality.refineScale),
        timestampMs,
      );
      inferenceMs += second.inferenceMs ?? 0;
      // blendOnto writes into `square`: the raw mask stays as the model gave it.
      blendOnto(square, mask);
      final = square;
      timer.add('square', performance.now() - ts);
    } else if (pass === 'mirror') {
      const tm = performance.now();
      // NOTE: a second synchronous inference (~the model's cost again), at full quality only. The
      // segmenter mirrors while it writes its input where it can (no mirrored copy of the picture).
      const mirrored = segmenter.segmentMirrored
        ? segmenter.segmentMirrored(input, timestampMs)
        : segmenter.segment(this.mirrorOf(input), timestampMs);
      inferenceMs += segmenter.inferenceMs ?? 0;
      averageIntoMirrored(mask.data, mirrored.data, mask.width, mask.height);
      final = mirrored;
      timer.add('mirror', performance.now() - tm);
    }
    if (segmenter.inferenceMs !== undefined) timer.add('inference', inferenceMs);
    return final;
  }

  /**
   * The second inference for this frame's shape: the square model for an upright frame once it is loaded (the
   * first such frame starts loading it; until then the mirrored pass runs, so no frame waits), else the
   * mirrored landscape pass.
   */
  secondPass(): SecondPass {
    const wanted = secondPassFor(this.frameSize, {
      squareSupported:
        this.runtime !== null && this.deps.loadModel !== undefined && this.square?.state !== 'failed',
    });
    if (wanted !== 'square') return 'mirror';
    if (!this.square) this.loadSquare();
    return this.square?.state === 'ready' ? 'square' : 'mirror';
  }

  /** Closes the square model and forgets it (one still loading is closed when it arrives). */
  close(): void {
    this.square?.segmenter?.close();
    this.square = null;
  }

  private loadSquare(): void {
    const runtime = this.runtime;
    const load = this.deps.loadModel;
    if (!runtime || !load) return;
    const square: SquareModel = {
      state: 'loading',
      segmenter: null,
      settled: Promise.resolve(),
    };
    this.square = square;
    square.settled = load(this.deps.options, MODELS.square, runtime).then(
      (segmenter) => {
        if (this.square !== square || this.deps.disposed()) {
          segmenter.close();
          return;
        }
        square.segmenter = segmenter;
        square.state = 'ready';
        this.deps.log.info('square model ready');
      },
      (error: unknown) => {
        if (this.square !== square) return;
        square.state = 'failed';
        // The effect goes on with the mirrored pass: no frame is lost, so this is a warning, not an error event.
        this.deps.log.warn('square model failed to load; upright frames keep the mirrored pass', { error });
      },
    );
  }

  /** The model input mirrored left-right, into a buffer kept between frames. */
  private mirrorOf(input: ImageData): ImageData {
    const reuse = this.mirroredInput;
    const target =
      reuse && reuse.width === input.width && reuse.height === input.height
        ? reuse
        : new ImageData(new Uint8ClampedArray(input.data.length), input.width, input.height);
    mirrorRgba(input.data, input.width, input.height, target.data as Uint8ClampedArray<ArrayBuffer>);
    this.mirroredInput = target;
    return target;
  }
}
