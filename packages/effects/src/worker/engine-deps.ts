/**
 * What an Engine is given: its options, the callbacks it reports through, and what it builds on (EngineDeps;
 * REAL_ENGINE_DEPS loads the real runtime and models, the Node logic tests pass fakes).
 */
import type { EffectError } from '../errors.js';
import { glRendererName, glRendererRead, hasWebGL2 } from '../features.js';
import { chooseCompositor, createCompositor } from '../render/choose-compositor.js';
import type { Compositor, Renderer } from '../render/compositor.js';
import { createFrameScaler, type FrameScaler } from '../render/frame-scaler.js';
import type { FrameSource } from '../render/source-stage.js';
import { yuvCompositorSupported } from '../render/yuv-compositor.js';
import { chooseDelegate, type DelegateChoice } from '../segmentation/delegate.js';
import { fetchWithProgress, type Progress } from '../segmentation/fetch-progress.js';
import type { SegmentationModel } from '../segmentation/models.js';
import { type Delegate, loadRuntime, MODEL_FILE, type Segmenter } from '../segmentation/segmenter.js';
import { loadTflite, type RuntimeCache } from '../segmentation/tflite-runtime.js';
import { isSoftwareRenderer } from '../startup/decisions.js';
import type { AssetSource, StartupReport, StartupTimeline } from '../startup/timeline.js';

export interface EngineOptions {
  assetBase: string;
  modelUrl?: string;
  delegate: Delegate | 'auto';
  /** Let the frame-budget controller lower quality under load (off for the mask processor). */
  adaptive: boolean;
  /** With `adaptive`: may halve the picture's size as the last resort (ADAPTIVE_LEVELS); default true. */
  lowerResolution?: boolean;
  /** The camera's frame rate, the rate the output must keep. */
  frameRate?: number;
  /** Test-only fault injection: the model throws on the inference after this many. */
  failSegmentationAfter?: number;
  /** Test-only load injection: every processed frame costs at least this many ms more (a too-slow device). */
  slowFrameMs?: number;
  /**
   * The compositing back end; 'auto': no trial where WebGL is a software rasterizer, else both measured once
   * the model is loaded and the faster kept.
   */
  renderer: Renderer | 'auto';
  /** The segmentation runtime: 'tflite' (default: 2.6 MB, CPU/XNNPACK) or 'mediapipe' (11.2 MB, CPU or GPU). */
  runtime?: 'tflite' | 'mediapipe';
  /** The back end measured by an earlier start in this browser (the page's cache); used when renderer is 'auto'. */
  cachedRenderer?: Renderer;
  /** A compiled runtime and model from an earlier start in the same page (tflite only). */
  runtimeCache?: RuntimeCache;
  /** Where the page got `runtimeCache` (default 'page': kept from an earlier start). */
  runtimeSources?: { wasm: AssetSource; model: AssetSource };
  /**
   * The page is loading the runtime and model itself and will send them (worker message 'runtime'): the engine
   * waits for them rather than fetch the same files a second time (tflite only).
   */
  pageRuntime?: boolean;
  /** Epoch ms at which the page created the effect (the start of the start-up timeline). */
  createdAt?: number;
}

/** What loading the segmenter gives: the segmenter and, for reuse by a later start, its compiled runtime. */
export interface LoadedSegmenter extends DelegateChoice {
  cache?: RuntimeCache;
}

/** What the engine builds on; replaced by fakes in the Node logic tests (engine.test.ts). */
export interface EngineDeps {
  createCompositor(renderer: Renderer): Compositor;
  chooseCompositor(options?: { webgl2?: boolean }): ReturnType<typeof chooseCompositor>;
  loadSegmenter(
    options: EngineOptions,
    onProgress: (p: Progress) => void,
    timeline: StartupTimeline,
  ): Promise<LoadedSegmenter>;
  /** The WebGL renderer string of this realm (null without WebGL), to skip trials on software GL. */
  glRenderer(): string | null;
  /** Whether glRenderer() was read already in this realm (a spare worker's probe), so it costs nothing now. */
  glRendererKnown?(): boolean;
  /** Shrinks frames at the budget's half-resolution level. */
  createFrameScaler(): FrameScaler;
  /**
   * Loads another model into a new instance of the runtime already compiled (`runtime`: the first load's
   * cache); absent where only one model can run (the Node fakes).
   */
  loadModel?(options: EngineOptions, model: SegmentationModel, runtime: RuntimeCache): Promise<Segmenter>;
  /** A blank camera-sized frame for the warm-up before the first frame (the caller closes it); absent: none. */
  syntheticFrame?(): FrameSource & { close(): void };
}

/** The warm-up's blank frame: 640x480 I420, the size of a usual camera's. */
function blankFrame(): VideoFrame {
  const width = 640;
  const height = 480;
  return new VideoFrame(new Uint8Array((width * height * 3) / 2), {
    format: 'I420',
    codedWidth: width,
    codedHeight: height,
    timestamp: 0,
  });
}

async function loadSegmenter(
  options: EngineOptions,
  onProgress: (p: Progress) => void,
  timeline: StartupTimeline,
): Promise<LoadedSegmenter> {
  const base = options.assetBase.endsWith('/') ? options.assetBase : `${options.assetBase}/`;
  if ((options.runtime ?? 'tflite') === 'tflite') {
    timeline.runtime = 'tflite';
    const loaded = await loadTflite({
      assetBase: base,
      modelUrl: options.modelUrl ?? `${base}${MODEL_FILE}`,
      ...(options.runtimeCache ? { cache: options.runtimeCache } : {}),
      ...(options.runtimeSources ? { cacheSources: options.runtimeSources } : {}),
      onProgress,
      onPhase: (phase) => timeline.mark(phase),
      onDetail: (step, ms) => timeline.detail(step, ms),
    });
    timeline.wasm = loaded.wasm;
    timeline.model = loaded.model;
    return { segmenter: loaded.segmenter, delegate: 'CPU', measuredMs: {}, cache: loaded.cache };
  }
  timeline.runtime = 'mediapipe';
  // The GPU delegate is not worth a trial on a software rasterizer (75–600 ms per inference there).
  const delegate =
    options.delegate === 'auto' && isSoftwareRenderer(glRendererName()) ? 'CPU' : options.delegate;
  const runtime = await loadRuntime({
    assetBase: options.assetBase,
    ...(options.modelUrl ? { modelUrl: options.modelUrl } : {}),
    onProgress,
  });
  timeline.mark('fetched');
  try {
    const choice = await chooseDelegate(runtime, { width: 256, height: 144 }, delegate);
    timeline.mark('compiled');
    timeline.mark('modelReady');
    return choice;
  } finally {
    runtime.release();
  }
}

/**
 * The square model for upright frames, TFLite runtime only: MediaPipe Tasks refuses the model files that have
 * no TFLite metadata ("requires specifying NormalizationOptions metadata"), and the square model on npm has none.
 */
async function loadModel(
  options: EngineOptions,
  model: SegmentationModel,
  runtime: RuntimeCache,
): Promise<Segmenter> {
  const base = options.assetBase.endsWith('/') ? options.assetBase : `${options.assetBase}/`;
  const modelUrl = `${base}${model.file}`;
  const bytes = await fetchWithProgress(modelUrl, () => undefined);
  const loaded = await loadTflite({
    assetBase: base,
    modelUrl,
    cache: { build: runtime.build, module: runtime.module, model: bytes },
    onProgress: () => undefined,
    onPhase: () => undefined,
  });
  return loaded.segmenter;
}

export const REAL_ENGINE_DEPS: EngineDeps = {
  createCompositor: (renderer) =>
    createCompositor(
      renderer === 'webgl2' && hasWebGL2()
        ? 'webgl2'
        : renderer === 'yuv' && yuvCompositorSupported()
          ? 'yuv'
          : 'canvas2d',
    ),
  chooseCompositor,
  loadSegmenter,
  glRenderer: glRendererName,
  glRendererKnown: glRendererRead,
  createFrameScaler,
  loadModel,
  ...(typeof VideoFrame === 'function' && { syntheticFrame: blankFrame }),
};

export interface EngineCallbacks {
  progress(p: Progress): void;
  ready(info: {
    delegate: Delegate;
    renderer: Renderer;
    measuredMs: Partial<Record<Delegate, number>>;
    rendererMeasuredMs: Partial<Record<Renderer, number>>;
  }): void;
  error(error: EffectError): void;
  /** The start-up timeline, sent when the model is ready and again at the first effected frame. */
  startup?(report: StartupReport): void;
  /** The compiled runtime and model, for the page to hand to a later start. */
  runtimeCache?(cache: RuntimeCache): void;
}
