/**
 * The segmentation runtime sized to our model: Twilio's TFLite-only wasm (XNNPACK, 2.6 MB with SIMD, from
 * @twilio/video-processors) instead of MediaPipe's 11.2 MB vision wasm with every task in it. The wasm is
 * compiled with `WebAssembly.compileStreaming` from its same-origin, content-hashed URL, so a second visit gets
 * it from the HTTP cache (and from Chromium's wasm code cache where Chromium writes one: Chromium 156 at its
 * default flags does not for this module, see the README's "Start-up"); the compiled `WebAssembly.Module` and the model bytes
 * can also be handed in (the page keeps them for a restart or a second start in the same page).
 */
import { EffectError } from '../errors.js';
import { hasWasmSimd } from '../features.js';
import { createTensorKernel, type TensorWriter } from '../mask/wasm/tensor-kernel.js';
import type { AssetSource } from '../startup/timeline.js';
import { fetchWithProgress, type Progress } from './fetch-progress.js';
import { runScript } from './run-script.js';
import type { ModelMask, Segmenter } from './segmenter.js';
import { readPersonChannel, writeRgbTensor } from './tensor.js';

/** The Emscripten module's exports we use (tflite-*.js from @twilio/video-processors). */
export interface TfliteModule {
  HEAPU8: Uint8Array;
  HEAPF32: Float32Array;
  _getModelBufferMemoryOffset(): number;
  _loadModel(bytes: number): number;
  _getInputMemoryOffset(): number;
  _getInputWidth(): number;
  _getInputHeight(): number;
  _getInputChannelCount(): number;
  _getOutputMemoryOffset(): number;
  _getOutputWidth(): number;
  _getOutputHeight(): number;
  _getOutputChannelCount(): number;
  _runInference(): number;
}

type ModuleFactory = (overrides: {
  instantiateWasm(
    imports: WebAssembly.Imports,
    receive: (instance: WebAssembly.Instance, module: WebAssembly.Module) => void,
  ): object;
}) => Promise<TfliteModule>;

export const TFLITE_FILES = {
  simd: {
    loader: 'tflite-simd-1-0-0.js',
    wasm: 'tflite-simd-1-0-0.wasm',
    factory: 'createTwilioTFLiteSIMDModule',
  },
  plain: { loader: 'tflite-1-0-0.js', wasm: 'tflite-1-0-0.wasm', factory: 'createTwilioTFLiteModule' },
} as const;

/** The smallest module using a v128 instruction (wasm-feature-detect's SIMD probe). */
const SIMD_PROBE = new Uint8Array([
  0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 10, 1, 8, 0, 65, 0, 253, 15, 253, 98,
  11,
]);

export function wasmSimdSupported(): boolean {
  try {
    return WebAssembly.validate(SIMD_PROBE);
  } catch {
    return false;
  }
}

/** What a start can reuse from an earlier one in the same page (both are structured-cloneable). */
export interface RuntimeCache {
  /** Which build the module is (a module of the other build is not used). */
  build: keyof typeof TFLITE_FILES;
  module: WebAssembly.Module;
  model: Uint8Array;
}

/** A runtime cache the page hands to a worker, and where the page got it (kept from earlier: 'page'). */
export interface PageRuntime {
  cache: RuntimeCache;
  wasm: AssetSource;
  model: AssetSource;
}

export interface TfliteLoad {
  segmenter: Segmenter;
  cache: RuntimeCache;
  wasm: AssetSource;
  model: AssetSource;
}

/** Whether a fetch was answered from the browser's cache (resource timing: nothing transferred). */
export function sourceOf(url: string): AssetSource {
  const entry = performance.getEntriesByName(url).at(-1) as PerformanceResourceTiming | undefined;
  if (!entry) return 'unknown';
  return entry.transferSize === 0 && entry.decodedBodySize > 0 ? 'http-cache' : 'network';
}

/** The bytes, if they are a TFLite model; a clear error for an HTML error page or junk. */
export function checkTfliteModel(bytes: Uint8Array, url: string): Uint8Array {
  // A TFLite flatbuffer carries the identifier "TFL3" at byte 4.
  if (String.fromCharCode(...bytes.subarray(4, 8)) !== 'TFL3')
    throw new EffectError('model_load_failed', `${url} is not a TFLite model`);
  return bytes;
}

/** The build this browser runs and its files' URLs under `assetBase`. */
export function tfliteFiles(assetBase: string) {
  const build: keyof typeof TFLITE_FILES = wasmSimdSupported() ? 'simd' : 'plain';
  const files = TFLITE_FILES[build];
  return {
    build,
    factory: files.factory,
    wasmUrl: `${assetBase}${files.wasm}`,
    loaderUrl: `${assetBase}${files.loader}`,
  };
}

export async function loadTflite(options: {
  assetBase: string;
  modelUrl: string;
  cache?: RuntimeCache;
  /** Where the page got `cache` (default 'page': it held it from an earlier start). */
  cacheSources?: { wasm: AssetSource; model: AssetSource };
  onProgress: (p: Progress) => void;
  /** Called when each phase is done. */
  onPhase: (phase: 'fetched' | 'compiled' | 'modelReady') => void;
  /** The ms of the steps inside the phases (the start benchmark's detail). */
  onDetail?: (step: 'loaderScript' | 'instantiate' | 'loadModel' | 'firstInference', ms: number) => void;
}): Promise<TfliteLoad> {
  const detail = options.onDetail ?? (() => undefined);
  const { build, factory: factoryName, wasmUrl, loaderUrl } = tfliteFiles(options.assetBase);
  const reuse = options.cache?.build === build ? options.cache : undefined;

  const compiling: Promise<WebAssembly.Module> = reuse
    ? Promise.resolve(reuse.module)
    : WebAssembly.compileStreaming(fetch(wasmUrl, { credentials: 'same-origin' })).catch((cause: unknown) => {
        throw new EffectError('model_load_failed', `could not compile ${wasmUrl}`, { cause });
      });
  const modelBytes: Promise<Uint8Array> = reuse
    ? Promise.resolve(reuse.model)
    : fetchWithProgress(options.modelUrl, options.onProgress);
  const [model] = await Promise.all([
    modelBytes.then((bytes) => checkTfliteModel(bytes, options.modelUrl)),
    timed(
      () => runScript(loaderUrl),
      (ms) => detail('loaderScript', ms),
    ).catch((cause: unknown) => {
      throw new EffectError('model_load_failed', `could not load ${loaderUrl}`, { cause });
    }),
  ]);
  options.onPhase('fetched');
  // The wasm streams into the compiler as it downloads: what is left of compiling once the rest is here.
  const module = await compiling;
  const factory = (globalThis as unknown as Record<string, ModuleFactory | undefined>)[factoryName];
  if (typeof factory !== 'function')
    throw new EffectError('model_load_failed', `${loaderUrl} did not define ${factoryName}`);
  let tflite: TfliteModule;
  const tInstantiate = performance.now();
  try {
    tflite = await factory({
      instantiateWasm(imports, receive) {
        WebAssembly.instantiate(module, imports).then(
          (instance) => receive(instance, module),
          () => undefined, // the factory's promise rejects through its own abort path
        );
        return {};
      },
    });
  } catch (cause) {
    throw new EffectError('model_load_failed', 'could not start the TFLite runtime', { cause });
  }
  detail('instantiate', performance.now() - tInstantiate);
  options.onPhase('compiled');
  const tLoad = performance.now();
  // The tensor written in wasm where the kernels run (the same f32 bits as the JS writeRgbTensor).
  const writeTensor = (hasWasmSimd() ? createTensorKernel() : null) ?? writeRgbTensor;
  const segmenter = createTfliteSegmenter(tflite, model, options.modelUrl, writeTensor);
  const tFirst = performance.now();
  detail('loadModel', tFirst - tLoad);
  // One inference so the first real frame does not pay XNNPACK's set-up.
  segmenter.segment(new ImageData(tflite._getInputWidth(), tflite._getInputHeight()), 0);
  detail('firstInference', performance.now() - tFirst);
  options.onPhase('modelReady');
  return {
    segmenter,
    cache: { build, module, model },
    wasm: reuse ? (options.cacheSources?.wasm ?? 'page') : sourceOf(wasmUrl),
    model: reuse ? (options.cacheSources?.model ?? 'page') : sourceOf(options.modelUrl),
  };
}

/** Runs `step` and reports how long it took (until its promise settled), whatever the outcome. */
async function timed<T>(step: () => Promise<T>, report: (ms: number) => void): Promise<T> {
  const t = performance.now();
  try {
    return await step();
  } finally {
    report(performance.now() - t);
  }
}

export function createTfliteSegmenter(
  tflite: TfliteModule,
  model: Uint8Array,
  modelUrl: string,
  writeTensor: TensorWriter = writeRgbTensor,
): Segmenter {
  tflite.HEAPU8.set(model, tflite._getModelBufferMemoryOffset());
  // NOTE: synchronous, tens of ms (XNNPACK prepares the graph); called in the worker.
  tflite._loadModel(model.byteLength);
  const width = tflite._getInputWidth();
  const height = tflite._getInputHeight();
  if (
    width <= 0 ||
    height <= 0 ||
    tflite._getInputChannelCount() !== 3 ||
    tflite._getOutputChannelCount() < 1
  )
    throw new EffectError('model_load_failed', `${modelUrl} is not a one-image segmentation model`);
  const outWidth = tflite._getOutputWidth();
  const outHeight = tflite._getOutputHeight();
  const outChannels = tflite._getOutputChannelCount();
  let closed = false;
  let inferenceMs: number | null = null;
  // One output buffer per pass, kept: a fresh 147 KB Float32Array per pass cost ~0.5 ms of the worker's
  // time each in Chromium (its first writes, attributed to readPersonChannel by the profiler: ~1 ms of a
  // level-0 frame), against ~0.002 ms in Node. Segmenter.segment's contract: valid until the next call.
  const outputs = {
    plain: new Float32Array(outWidth * outHeight),
    mirrored: new Float32Array(outWidth * outHeight),
  };
  const run = (image: ImageData, mirrored: boolean): ModelMask => {
    if (closed) throw new EffectError('segmentation_failed', 'the segmenter is closed');
    if (image.width !== width || image.height !== height)
      throw new EffectError('segmentation_failed', `model input must be ${width}x${height}`);
    // Straight from the RGBA bytes into the runtime's input tensor (mirrored: each row right to left).
    writeTensor(image.data, width, height, tflite.HEAPF32, tflite._getInputMemoryOffset() / 4, mirrored);
    const t = performance.now();
    // NOTE: synchronous inference, ~3-4 ms at 256x144 here; called in the worker.
    tflite._runInference();
    inferenceMs = performance.now() - t;
    // The heap may have grown: readPersonChannel is handed the view afresh.
    const data = mirrored ? outputs.mirrored : outputs.plain;
    readPersonChannel(tflite.HEAPF32, tflite._getOutputMemoryOffset() / 4, outChannels, data);
    return { width: outWidth, height: outHeight, data };
  };
  return {
    delegate: 'CPU',
    segment: (image: ImageData) => run(image, false),
    segmentMirrored: (image: ImageData) => run(image, true),
    get inferenceMs() {
      return inferenceMs;
    },
    close() {
      closed = true;
    },
  };
}
