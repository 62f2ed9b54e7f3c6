import { createLogger } from '../log.js';
import { MODEL_FILE } from '../segmentation/segmenter.js';
import { checkTfliteModel, type RuntimeCache, tfliteFiles } from '../segmentation/tflite-runtime.js';

const log = createLogger('effects.preload');

/** Compiled runtimes and models kept by this page for later starts and restarts, per asset base. */
const caches = new Map<string, RuntimeCache>();
/** Preloads under way, per asset base. */
const preloads = new Map<string, Promise<void>>();

export function runtimeCacheFor(assetBase: string): RuntimeCache | undefined {
  return caches.get(assetBase);
}

export function keepRuntimeCache(assetBase: string, cache: RuntimeCache): void {
  caches.set(assetBase, cache);
}

/** Where the effects' files are: the same defaults as createBackgroundEffect. */
export function effectsUrls(options: { assetBase?: string; workerUrl?: string }): {
  assetBase: string;
  workerUrl: string;
} {
  const assetBase = new URL(options.assetBase ?? '/assets/effects/', location.href).href;
  return { assetBase, workerUrl: options.workerUrl ?? new URL('../effects-worker.js', assetBase).href };
}

/**
 * Resolves when the preload for `assetBase` is over (at once when none runs), or after `capMs`; never rejects.
 * A start waits for it rather than fetching and compiling the same files a second time on the same cores.
 */
export function preloaded(assetBase: string, capMs: number): Promise<void> {
  const running = preloads.get(assetBase);
  if (!running) return Promise.resolve();
  return Promise.race([running, new Promise<void>((resolve) => setTimeout(resolve, capMs))]);
}

export interface PreloadOptions {
  assetBase?: string;
  workerUrl?: string;
  modelUrl?: string;
}

async function fetchBytes(url: string): Promise<Uint8Array> {
  const response = await fetch(url, { credentials: 'same-origin' });
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  return new Uint8Array(await response.arrayBuffer());
}

/**
 * Gets an effect ready to start before there is a camera track: compiles the segmentation runtime (off the main
 * thread: streaming compilation) and fetches the model into this page's runtime cache, and puts the worker's
 * script and the runtime's loader into the HTTP cache. For a page that knows an effect is wanted (a link that
 * names one) while it still loads, asks for the camera and joins; a later createBackgroundEffect then starts
 * with nothing to download or compile. Never rejects: a failure is logged and the start does it all itself
 * (and reports any error there).
 */
export function preloadEffects(options: PreloadOptions = {}): Promise<void> {
  const { assetBase, workerUrl } = effectsUrls(options);
  if (caches.has(assetBase)) return Promise.resolve();
  const running = preloads.get(assetBase);
  if (running) return running;
  const { build, wasmUrl, loaderUrl } = tfliteFiles(assetBase);
  const modelUrl = options.modelUrl
    ? new URL(options.modelUrl, location.href).href
    : `${assetBase}${MODEL_FILE}`;
  const run = (async () => {
    const warmed = Promise.all([fetchBytes(workerUrl), fetchBytes(loaderUrl)]);
    const [module, model] = await Promise.all([
      WebAssembly.compileStreaming(fetch(wasmUrl, { credentials: 'same-origin' })),
      fetchBytes(modelUrl).then((bytes) => checkTfliteModel(bytes, modelUrl)),
    ]);
    await warmed;
    if (!caches.has(assetBase)) caches.set(assetBase, { build, module, model });
  })()
    .catch((error: unknown) => log.warn('preload failed; the effect will load its files itself', { error }))
    .finally(() => preloads.delete(assetBase));
  preloads.set(assetBase, run);
  return run;
}
