import type { ImageSegmenter } from '@mediapipe/tasks-vision';
import { EffectError } from '../errors.js';
import { fetchWithProgress, type Progress } from './fetch-progress.js';
import { MEDIAPIPE_TASKS_FILE, type MediaPipeTasks, tasksFrom } from './mediapipe-tasks.js';
import { runScript } from './run-script.js';
import { wasmSimdSupported } from './tflite-runtime.js';

export type Delegate = 'CPU' | 'GPU';

/** A person-probability map at model resolution, top row first. */
export interface ModelMask {
  width: number;
  height: number;
  data: Float32Array;
}

export interface Segmenter {
  readonly delegate: Delegate;
  /**
   * NOTE: synchronous inference, ~10 ms on the CPU delegate here; call it off the main thread. The mask's
   * data may be the segmenter's own buffer, overwritten by the next call of the same method (segment and
   * segmentMirrored do not share one): copy it to keep it. A segmenter without segmentMirrored returns a
   * fresh buffer from every call (the engine's mirrored pass then calls segment twice on one frame).
   */
  segment(image: ImageData, timestampMs: number): ModelMask;
  /**
   * The model on `image` mirrored left-right (its output is of the mirrored picture), where the segmenter
   * can mirror while it writes its input tensor: no mirrored copy of the picture is made. Absent: the caller
   * mirrors the picture and calls segment().
   */
  segmentMirrored?(image: ImageData, timestampMs: number): ModelMask;
  /** The ms of the last call's inference alone (the model's run, without the input and output copies). */
  readonly inferenceMs?: number | null;
  close(): void;
}

export interface LoadedRuntime {
  /** MediaPipe Tasks' API, loaded with the runtime (it is not in the worker's script). */
  tasks: MediaPipeTasks;
  fileset: { wasmLoaderPath: string; wasmBinaryPath: string };
  model: Uint8Array;
  /** Revokes the blob URL made for the wasm binary. */
  release(): void;
}

export const MODEL_FILE = 'selfie_segmentation_landscape.tflite';

/** Downloads the wasm runtime and the model from our own asset base, reporting progress. */
export async function loadRuntime(options: {
  assetBase: string;
  modelUrl?: string;
  onProgress: (p: Progress) => void;
}): Promise<LoadedRuntime> {
  const base = options.assetBase.endsWith('/') ? options.assetBase : `${options.assetBase}/`;
  const name = wasmSimdSupported() ? 'vision_wasm_internal' : 'vision_wasm_nosimd_internal';
  const modelUrl = options.modelUrl ?? `${base}${MODEL_FILE}`;
  const tasksUrl = `${base}${MEDIAPIPE_TASKS_FILE}`;
  const [wasm, model, tasks] = await Promise.all([
    fetchWithProgress(`${base}${name}.wasm`, options.onProgress),
    fetchWithProgress(modelUrl, options.onProgress),
    runScript(tasksUrl).then(
      () => tasksFrom(globalThis, tasksUrl),
      (cause: unknown) => {
        throw new EffectError('model_load_failed', `could not load ${tasksUrl}`, { cause });
      },
    ),
  ]);
  // A TFLite flatbuffer carries the identifier "TFL3" at byte 4; catch an HTML error page or junk early.
  const ident = String.fromCharCode(...model.subarray(4, 8));
  if (ident !== 'TFL3') throw new EffectError('model_load_failed', `${modelUrl} is not a TFLite model`);
  const wasmBinaryPath = URL.createObjectURL(
    new Blob([wasm.buffer as ArrayBuffer], { type: 'application/wasm' }),
  );
  return {
    tasks,
    fileset: { wasmLoaderPath: `${base}${name}.js`, wasmBinaryPath },
    model,
    release: () => URL.revokeObjectURL(wasmBinaryPath),
  };
}

export async function createSegmenter(runtime: LoadedRuntime, delegate: Delegate): Promise<Segmenter> {
  let segmenter: ImageSegmenter;
  try {
    segmenter = await runtime.tasks.ImageSegmenter.createFromOptions(runtime.fileset, {
      baseOptions: { modelAssetBuffer: runtime.model, delegate },
      runningMode: 'VIDEO',
      outputConfidenceMasks: true,
      outputCategoryMask: false,
      // Tasks needs a GL canvas for its image input even on the CPU delegate.
      canvas: new OffscreenCanvas(1, 1),
    });
  } catch (cause) {
    throw new EffectError('model_load_failed', `could not create the segmenter (${delegate})`, { cause });
  }
  const labels = segmenter.getLabels();
  let lastTs = -1;
  return {
    delegate,
    segment(image, timestampMs) {
      // VIDEO mode needs strictly increasing timestamps.
      const ts = Math.max(lastTs + 1, Math.round(timestampMs));
      lastTs = ts;
      let result: ReturnType<ImageSegmenter['segmentForVideo']>;
      try {
        result = segmenter.segmentForVideo(image, ts);
      } catch (cause) {
        throw new EffectError('segmentation_failed', 'the model failed on a frame', { cause });
      }
      try {
        const masks = result.confidenceMasks;
        if (!masks || masks.length === 0)
          throw new EffectError('segmentation_failed', 'the model returned no mask');
        const personIndex =
          masks.length === 1
            ? 0
            : Math.max(
                0,
                labels.findIndex((l) => /person|human|foreground/i.test(l)),
              );
        const mask = masks[personIndex === -1 ? masks.length - 1 : personIndex]!;
        return { width: mask.width, height: mask.height, data: new Float32Array(mask.getAsFloat32Array()) };
      } finally {
        result.close();
      }
    },
    close() {
      segmenter.close();
    },
  };
}
