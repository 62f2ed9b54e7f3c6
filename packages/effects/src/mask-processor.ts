import { EffectError } from './errors.js';
import type { Renderer } from './render/compositor.js';
import { sourceSize } from './render/source-stage.js';
import type { Delegate } from './segmentation/segmenter.js';
import { Engine } from './worker/engine.js';
import type { EffectStats } from './worker/stats.js';

export interface MaskProcessorOptions {
  /** Where the model and wasm are served (default '/assets/effects/'). */
  assetBase?: string;
  modelUrl?: string;
  delegate?: Delegate | 'auto';
  /** Let the budget controller lower quality under load (default false: always full quality). */
  adaptive?: boolean;
  /** Compositing back end (default 'auto': measured). */
  renderer?: Renderer | 'auto';
  /** Segmentation runtime (default 'tflite'). */
  runtime?: 'tflite' | 'mediapipe';
}

export interface MaskResult {
  width: number;
  height: number;
  /** The final alpha the compositor uses (0..255) at the source's resolution, row-major, top row first. */
  alpha: Uint8Array;
  /** The bare model output: person probability at model resolution. */
  raw: { width: number; height: number; data: Float32Array };
}

export interface MaskProcessor {
  /** Runs segmentation + refinement + temporal smoothing on one frame. Does not close `source`. */
  process(source: ImageBitmap | VideoFrame, timestampMs: number): Promise<MaskResult>;
  /** Forgets temporal history: call between unrelated still images. */
  reset(): void;
  /** Resolves when the model is loaded. */
  ready(): Promise<void>;
  stats(): EffectStats;
  dispose(): void;
}

/**
 * The live effect's mask path, for measurement: the same Engine (segmenter, joint bilateral upsampling,
 * temporal smoothing) on the page's thread, returning the final alpha instead of a composited frame.
 */
export function createMaskProcessor(options: MaskProcessorOptions = {}): MaskProcessor {
  const engine = new Engine(
    {
      assetBase: new URL(options.assetBase ?? '/assets/effects/', location.href).href,
      ...(options.modelUrl ? { modelUrl: new URL(options.modelUrl, location.href).href } : {}),
      delegate: options.delegate ?? 'auto',
      adaptive: options.adaptive ?? false,
      renderer: options.renderer ?? 'auto',
      runtime: options.runtime ?? 'tflite',
    },
    {
      progress: () => undefined,
      ready: () => undefined,
      error: (error) => {
        lastError = error;
      },
    },
  );
  let lastError: EffectError | null = null;
  engine.setMode({ kind: 'blur', strength: 0.5 });
  const loading = engine.start().then(() => {
    if (engine.state !== 'ready')
      throw lastError ?? new EffectError('model_load_failed', 'the model did not load');
  });
  loading.catch(() => undefined);
  let queue: Promise<unknown> = Promise.resolve();

  return {
    process(source, timestampMs) {
      const run = async (): Promise<MaskResult> => {
        await loading;
        if (engine.state !== 'ready')
          throw lastError ?? EffectError.invalidState(`mask processor is ${engine.state}`);
        await engine.modelFor(sourceSize(source));
        const { alpha, raw } = engine.processForMask(source, timestampMs);
        return {
          width: alpha.width,
          height: alpha.height,
          alpha: alpha.data,
          // A copy: the segmenter writes its next output into the same buffer, and a result is the caller's.
          raw: { ...raw, data: raw.data.slice() },
        };
      };
      const result = queue.then(run, run);
      queue = result.catch(() => undefined);
      return result;
    },
    reset() {
      engine.reset();
    },
    ready() {
      return loading;
    },
    stats() {
      return engine.stats('page');
    },
    dispose() {
      engine.dispose();
    },
  };
}
