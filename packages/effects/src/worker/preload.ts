/**
 * A worker started ahead of its effect (preloadEffects: a link that names an effect) loads the model while the
 * page still asks for the camera and joins: the page hands it the runtime it compiled and the model it fetched
 * ('preload' message), and the effect's init then finds the segmenter ready instead of loading it after the
 * camera opened (instantiate, XNNPACK's weight packing and the first inference, a few hundred ms here).
 * No DOM, no wasm of its own: the loading is the engine's `loadSegmenter`, passed in.
 */
import { MODEL_FILE } from '../segmentation/segmenter.js';
import type { PageRuntime } from '../segmentation/tflite-runtime.js';
import { epochNow, StartupTimeline } from '../startup/timeline.js';
import type { EngineDeps, EngineOptions, LoadedSegmenter } from './engine-deps.js';

/** What the page sends a spare worker: the files the effect will use and what the page loaded of them. */
export interface PreloadRequest {
  assetBase: string;
  modelUrl: string;
  runtime: PageRuntime;
}

/** A load under way (or done) in this worker, for the files of `request`. */
export interface Preload {
  readonly assetBase: string;
  readonly modelUrl: string;
  /** The segmenter, or null when the load failed (the effect then loads it itself and reports the error). */
  readonly segmenter: Promise<LoadedSegmenter | null>;
}

const withSlash = (base: string) => (base.endsWith('/') ? base : `${base}/`);

/** Starts loading the TFLite segmenter from what the page gave; never rejects. */
export function startPreload(request: PreloadRequest, load: EngineDeps['loadSegmenter']): Preload {
  const options: EngineOptions = {
    assetBase: request.assetBase,
    modelUrl: request.modelUrl,
    delegate: 'CPU',
    adaptive: true,
    renderer: 'auto',
    runtime: 'tflite',
    runtimeCache: request.runtime.cache,
    runtimeSources: { wasm: request.runtime.wasm, model: request.runtime.model },
  };
  return {
    assetBase: withSlash(request.assetBase),
    modelUrl: request.modelUrl,
    segmenter: load(options, () => undefined, new StartupTimeline(epochNow)).catch(() => null),
  };
}

/** Whether an effect with these options can use this preload (same runtime, asset base and model). */
export function preloadFits(preload: Preload, options: EngineOptions): boolean {
  const base = withSlash(options.assetBase);
  return (
    (options.runtime ?? 'tflite') === 'tflite' &&
    base === preload.assetBase &&
    (options.modelUrl ?? `${base}${MODEL_FILE}`) === preload.modelUrl
  );
}

/**
 * The engine's dependencies with the preloaded segmenter as its first load (when it fits the effect's options
 * and loaded); any other load, or a failed preload, goes to `deps`. A preload that does not fit is closed.
 */
export function withPreload(deps: EngineDeps, preload: Preload | null): EngineDeps {
  if (!preload) return deps;
  let pending: Preload | null = preload;
  return {
    ...deps,
    async loadSegmenter(options, onProgress, timeline) {
      const mine = pending;
      pending = null;
      if (mine && preloadFits(mine, options)) {
        const loaded = await mine.segmenter;
        if (loaded) {
          // The start found them in the page (its preload), as one that finds them kept from an earlier start.
          timeline.runtime = 'tflite';
          timeline.wasm = 'page';
          timeline.model = 'page';
          for (const phase of ['fetched', 'compiled', 'modelReady'] as const) timeline.mark(phase);
          return loaded;
        }
      } else if (mine) {
        void mine.segmenter.then((loaded) => loaded?.segmenter.close());
      }
      return deps.loadSegmenter(options, onProgress, timeline);
    },
  };
}
