import { createLogger } from '../log.js';
import { fetchWithProgress, type Progress } from '../segmentation/fetch-progress.js';
import { MODEL_FILE } from '../segmentation/segmenter.js';
import {
  checkTfliteModel,
  type PageRuntime,
  type RuntimeCache,
  sourceOf,
  tfliteFiles,
} from '../segmentation/tflite-runtime.js';
import type { ToWorker } from '../worker/protocol.js';
import { cachedChoice, choiceKey } from './choice-cache.js';

const log = createLogger('effects.preload');

/** Compiled runtimes and models kept by this page for later starts and restarts, per asset base and model. */
const caches = new Map<string, RuntimeCache>();
/** Loads under way (a preload, or a start that found nothing kept), per asset base and model. */
const loads = new Map<string, Promise<PageRuntime | null>>();
/** Who hears the model's download progress of a load under way (the starts that joined it). */
const listeners = new Map<string, Set<(progress: Progress) => void>>();
/** One worker started ahead of its effect by a preload, per worker script. */
const spares = new Map<string, { worker: Worker; timer: ReturnType<typeof setTimeout> }>();
/** A spare worker nobody took by then is let go (the camera was refused, the user chose None...). */
const SPARE_WORKER_MS = 60_000;

/** Where the effects' files are: the same defaults as createBackgroundEffect. */
export function effectsUrls(options: { assetBase?: string; workerUrl?: string; modelUrl?: string }): {
  assetBase: string;
  workerUrl: string;
  modelUrl: string;
} {
  const assetBase = new URL(options.assetBase ?? '/assets/effects/', location.href).href;
  return {
    assetBase,
    workerUrl: options.workerUrl ?? new URL('../effects-worker.js', assetBase).href,
    modelUrl: options.modelUrl ? new URL(options.modelUrl, location.href).href : `${assetBase}${MODEL_FILE}`,
  };
}

const keyOf = (assetBase: string, modelUrl: string) => `${assetBase} ${modelUrl}`;

/** The compiled runtime and model this page already holds for these files (a second start needs nothing). */
export function runtimeCacheFor(assetBase: string, modelUrl: string): RuntimeCache | undefined {
  return caches.get(keyOf(assetBase, modelUrl));
}

/** Keeps what a worker compiled and fetched by itself (its page had nothing to give it). */
export function keepRuntimeCache(assetBase: string, modelUrl: string, cache: RuntimeCache): void {
  caches.set(keyOf(assetBase, modelUrl), cache);
}

async function fetchBytes(url: string): Promise<Uint8Array> {
  const response = await fetch(url, { credentials: 'same-origin' });
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  return new Uint8Array(await response.arrayBuffer());
}

/**
 * The TFLite runtime compiled and the model fetched by this page, for a worker to instantiate: what is kept
 * (source 'page'), or the load under way, or a new one. The page compiles with `compileStreaming` (off the
 * main thread, while it downloads; the browser's wasm code cache keys on it) while the worker's script starts
 * in parallel, and keeps the result for later starts and restarts. Never rejects: null when the load failed
 * (logged); the worker then loads the files itself and reports what went wrong.
 */
export function loadPageRuntime(options: {
  assetBase: string;
  modelUrl: string;
  /** The model's download progress (while this load runs). */
  onProgress?: (progress: Progress) => void;
}): Promise<PageRuntime | null> {
  const key = keyOf(options.assetBase, options.modelUrl);
  const kept = caches.get(key);
  if (kept) return Promise.resolve({ cache: kept, wasm: 'page', model: 'page' });
  if (options.onProgress) {
    const heard = listeners.get(key) ?? new Set();
    heard.add(options.onProgress);
    listeners.set(key, heard);
  }
  const running = loads.get(key);
  if (running) return running;
  const { build, wasmUrl, loaderUrl } = tfliteFiles(options.assetBase);
  const progress = (p: Progress) => {
    for (const listener of listeners.get(key) ?? []) listener(p);
  };
  const run = (async (): Promise<PageRuntime | null> => {
    // The loader's 19 KB into the HTTP cache: the worker's importScripts of it then reads no network. Best
    // effort: a loader that fails is the worker's to report.
    const loader = fetchBytes(loaderUrl).catch(() => undefined);
    const [module, model] = await Promise.all([
      // Not wrapped to count bytes: the code cache keys on the response's URL, which a wrapper loses.
      WebAssembly.compileStreaming(fetch(wasmUrl, { credentials: 'same-origin' })),
      fetchWithProgress(options.modelUrl, progress).then((bytes) =>
        checkTfliteModel(bytes, options.modelUrl),
      ),
    ]);
    await loader;
    const cache: RuntimeCache = caches.get(key) ?? { build, module, model };
    caches.set(key, cache);
    return { cache, wasm: sourceOf(wasmUrl), model: sourceOf(options.modelUrl) };
  })()
    .catch((error: unknown) => {
      log.warn('loading the runtime in the page failed; the worker loads its files itself', { error });
      return null;
    })
    .finally(() => {
      loads.delete(key);
      listeners.delete(key);
    });
  loads.set(key, run);
  return run;
}

/** The worker a preload started for `workerUrl`, if any (the caller owns it from now on). */
export function takeSpareWorker(workerUrl: string): Worker | undefined {
  const spare = spares.get(workerUrl);
  if (!spare) return undefined;
  spares.delete(workerUrl);
  clearTimeout(spare.timer);
  return spare.worker;
}

export interface PreloadOptions {
  assetBase?: string;
  workerUrl?: string;
  modelUrl?: string;
}

/**
 * Gets an effect ready to start before there is a camera track: starts the effects worker (its script parses
 * and runs while the page asks for the camera; the effect takes it over), compiles the segmentation runtime
 * (off the main thread: streaming compilation) and fetches the model into this page's runtime cache, then
 * hands both to that worker, which loads the model into the runtime at once (worker/preload.ts). For a
 * page that knows an effect is wanted (a link that names one) while it still loads, asks for the camera and
 * joins; a later createBackgroundEffect then starts with nothing to download or compile, and joins a preload
 * still under way rather than fetch the files a second time. Never rejects: on a failure the start loads
 * everything itself (and reports any error there).
 */
export function preloadEffects(options: PreloadOptions = {}): Promise<void> {
  const { assetBase, workerUrl, modelUrl } = effectsUrls(options);
  if (!spares.has(workerUrl)) {
    try {
      const worker = new Worker(workerUrl, { name: 'backdrop-effects' });
      const timer = setTimeout(() => {
        if (spares.get(workerUrl)?.worker !== worker) return;
        spares.delete(workerUrl);
        worker.terminate();
      }, SPARE_WORKER_MS);
      // A spare whose script failed is dropped; the start then makes its own worker (and hears its error).
      worker.onerror = () => {
        if (spares.get(workerUrl)?.worker !== worker) return;
        clearTimeout(spares.get(workerUrl)!.timer);
        spares.delete(workerUrl);
        worker.terminate();
      };
      spares.set(workerUrl, { worker, timer });
      // While the runtime downloads and compiles, the worker would be idle: it reads the WebGL renderer then,
      // unless a start kept the decision it feeds (the defaults: delegate and back end on `auto`, TFLite).
      if (!cachedChoice(choiceKey(assetBase, 'tflite'))) {
        const probe: ToWorker = { type: 'probeRenderer' };
        worker.postMessage(probe);
      }
    } catch (error) {
      log.warn('could not start the effects worker ahead', { error });
    }
  }
  return loadPageRuntime({ assetBase, modelUrl }).then((runtime) => {
    // The spare worker loads the model now (while the page still asks for the camera and joins), unless an
    // effect took it meanwhile: that one loads what its own start is sent.
    const spare = spares.get(workerUrl);
    if (!runtime || !spare) return;
    const message: ToWorker = { type: 'preload', request: { assetBase, modelUrl, runtime } };
    spare.worker.postMessage(message);
  });
}
