import { TypedEmitter } from '@backdrop/events';
import { loadBackgroundImage } from '../background-image.js';
import { deserializeError, EffectError } from '../errors.js';
import { detectFeatures } from '../features.js';
import { createLogger } from '../log.js';
import { type EffectMode, resolveEffectMode, transferablesOf } from '../mode.js';
import { isRenderer, type Renderer } from '../render/compositor.js';
import type { Progress } from '../segmentation/fetch-progress.js';
import type { Delegate } from '../segmentation/segmenter.js';
import type { EngineOptions } from '../worker/engine.js';
import type { FromWorker, ToWorker } from '../worker/protocol.js';
import type { EffectStats } from '../worker/stats.js';
import { createFramesPipeline, type FramesPipeline } from './frames-pipeline.js';
import { createTrackStreams } from './insertable-streams.js';

export interface BackgroundEffectOptions {
  /** Where the model, wasm and worker are served (default '/assets/effects/'). Nothing is fetched elsewhere. */
  assetBase?: string;
  /** The worker script (default: `../effects-worker.js` relative to assetBase). */
  workerUrl?: string;
  /** Override the model URL (default: assetBase + selfie_segmentation_landscape.tflite). */
  modelUrl?: string;
  /** 'auto' measures CPU and GPU once and caches the winner in localStorage. */
  delegate?: Delegate | 'auto';
  /** The first mode (default none). */
  mode?: EffectMode;
  /** 'auto' picks streams (MediaStreamTrackProcessor) where available, else frames (requestVideoFrameCallback). */
  pipeline?: 'auto' | 'streams' | 'frames';
  /**
   * Test-only: make the model throw after this many inferences (checks the privacy fallback); make every frame
   * cost `slowFrameMs` more (checks the budget verdict on a device too slow for the effect).
   */
  testing?: { failSegmentationAfter?: number; slowFrameMs?: number };
  /**
   * When even the cheapest quality cannot keep the camera's frame rate, the budget halves the picture's size
   * (the output track gets smaller) rather than drop frames. Default true; false keeps the camera's size.
   */
  lowerResolution?: boolean;
  /** Compositing back end: 'auto' (default) measures WebGL2 against Canvas2D once and caches the winner. */
  renderer?: Renderer | 'auto';
}

export interface BackgroundEffectEvents {
  /** Download progress of the model and runtime. */
  modelProgress: (progress: Progress) => void;
  ready: (info: { delegate: Delegate; renderer: Renderer }) => void;
  /** Something failed; while an effect is selected the output stays blurred/blank, never raw. */
  error: (error: EffectError) => void;
}

const CHOICE_CACHE_KEY = 'backdrop.effects.choice.v1';

interface CachedChoice {
  delegate: Delegate;
  renderer: Renderer;
}

/** The delegate and back end measured last time in this browser (same user agent), if any. */
function cachedChoice(): CachedChoice | null {
  try {
    const raw = globalThis.localStorage?.getItem(CHOICE_CACHE_KEY);
    const parsed = raw ? (JSON.parse(raw) as { ua?: string; delegate?: string; renderer?: string }) : null;
    if (
      parsed?.ua === navigator.userAgent &&
      (parsed.delegate === 'CPU' || parsed.delegate === 'GPU') &&
      isRenderer(parsed.renderer)
    ) {
      return { delegate: parsed.delegate, renderer: parsed.renderer };
    }
  } catch {
    // No storage (privacy mode): measure again.
  }
  return null;
}

function storeChoice(choice: CachedChoice): void {
  try {
    globalThis.localStorage?.setItem(
      CHOICE_CACHE_KEY,
      JSON.stringify({ ua: navigator.userAgent, ...choice }),
    );
  } catch {
    // Not fatal: the next start measures again.
  }
}

/**
 * A camera track with a background effect. Frames are processed in a worker; `track` carries the result.
 * While the mode is not `none`, `track` never carries a raw camera frame.
 */
export class BackgroundEffect extends TypedEmitter<BackgroundEffectEvents> {
  state: 'loading' | 'running' | 'failed' | 'disposed' = 'loading';
  readonly track: MediaStreamTrack;
  private latestStats: EffectStats | null = null;
  private modeId = 0;
  private readonly pendingModes = new Map<
    number,
    { resolve: () => void; reject: (e: EffectError) => void }
  >();
  private workerDead = false;
  private readonly readyWaiters: Array<{ resolve: () => void; reject: (e: EffectError) => void }> = [];
  private lastError: EffectError | null = null;
  private readonly log = createLogger('effects.track');

  constructor(
    private readonly worker: Worker,
    readonly pipeline: 'streams' | 'frames',
    output: MediaStreamTrack,
    private readonly frames: FramesPipeline | null,
    private readonly cacheChoice: boolean,
  ) {
    super({ name: 'effects.track' });
    this.track = output;
    worker.onmessage = (event: MessageEvent<FromWorker>) => this.onWorkerMessage(event.data);
    worker.onerror = (event) => {
      event.preventDefault();
      this.onError(new EffectError('worker_failed', `the effects worker crashed: ${event.message}`));
    };
  }

  /** Switches the effect. Resolves once frames use it; on a bad mode or image it rejects and nothing changes. */
  async setMode(mode: EffectMode): Promise<void> {
    if (this.state === 'disposed') throw EffectError.invalidState('setMode() after dispose()');
    const resolved = await resolveEffectMode(mode, loadBackgroundImage);
    if ((this.state as BackgroundEffect['state']) === 'disposed') {
      if (resolved.kind === 'replace') resolved.image.close();
      throw EffectError.invalidState('setMode() after dispose()');
    }
    const id = ++this.modeId;
    if (this.workerDead) {
      if (resolved.kind === 'replace') resolved.image.close();
      throw this.lastError ?? new EffectError('worker_failed', 'the effects worker is gone');
    }
    const applied = new Promise<void>((resolve, reject) => this.pendingModes.set(id, { resolve, reject }));
    this.post({ type: 'mode', id, mode: resolved }, transferablesOf(resolved));
    await applied;
  }

  /** Resolves when the model is loaded; rejects if loading failed. */
  whenReady(): Promise<void> {
    if (this.state === 'running') return Promise.resolve();
    if (this.state === 'failed' && this.lastError) return Promise.reject(this.lastError);
    if (this.state === 'disposed') return Promise.reject(EffectError.invalidState('disposed'));
    return new Promise((resolve, reject) => this.readyWaiters.push({ resolve, reject }));
  }

  /** The latest figures from the worker (updated twice a second). */
  stats(): EffectStats | null {
    return this.latestStats;
  }

  /** Stops the worker, releases every frame and GPU object, and ends `track`. Idempotent. The camera track passed in stays the caller's: it is not stopped. */
  dispose(): void {
    if (this.state === 'disposed') return;
    this.state = 'disposed';
    this.post({ type: 'dispose' });
    this.frames?.dispose();
    // Give the worker a moment to free its GL context, then make sure it is gone.
    setTimeout(() => this.worker.terminate(), 500);
    this.track.stop();
    for (const pending of this.pendingModes.values()) pending.resolve();
    this.pendingModes.clear();
    for (const w of this.readyWaiters.splice(0)) w.reject(EffectError.invalidState('disposed'));
    this.removeAllListeners();
  }

  private post(message: ToWorker, transfer: Transferable[] = []): void {
    this.worker.postMessage(message, transfer);
  }

  private onWorkerMessage(message: FromWorker): void {
    switch (message.type) {
      case 'progress':
        this.emit('modelProgress', message.progress);
        break;
      case 'ready':
        if (this.state === 'loading') this.state = 'running';
        if (this.cacheChoice) storeChoice({ delegate: message.delegate, renderer: message.renderer });
        for (const w of this.readyWaiters.splice(0)) w.resolve();
        this.emit('ready', { delegate: message.delegate, renderer: message.renderer });
        break;
      case 'error':
        this.onError(deserializeError(message.error));
        break;
      case 'modeApplied':
        this.pendingModes.get(message.id)?.resolve();
        this.pendingModes.delete(message.id);
        break;
      case 'stats':
        this.latestStats = {
          ...message.stats,
          pipeline: this.pipeline,
          ...(this.frames ? { page: this.frames.stats() } : {}),
        };
        break;
      case 'frame':
        this.frames?.deliver(message.bitmap);
        break;
      case 'disposed':
        this.worker.terminate();
        break;
    }
  }

  private onError(error: EffectError): void {
    if (this.state === 'disposed') return;
    this.lastError = error;
    if (error.code === 'worker_failed') {
      // No 'modeApplied' will ever come: fail the waiting switches instead of leaving them hanging.
      this.workerDead = true;
      for (const pending of this.pendingModes.values()) pending.reject(error);
      this.pendingModes.clear();
    }
    if (
      error.code === 'model_load_failed' ||
      error.code === 'segmentation_failed' ||
      error.code === 'worker_failed'
    ) {
      this.state = 'failed';
      for (const w of this.readyWaiters.splice(0)) w.reject(error);
    }
    this.log.warn('error', { code: error.code, message: error.message });
    this.emit('error', error);
  }
}

/** Starts a background effect on `cameraTrack`. Resolves at once; the model loads in the background. */
export async function createBackgroundEffect(
  cameraTrack: MediaStreamTrack,
  options: BackgroundEffectOptions = {},
): Promise<BackgroundEffect> {
  if (cameraTrack.kind !== 'video') throw new EffectError('invalid_mode', 'the track must be a video track');
  const features = detectFeatures();
  if (!features.worker || !features.offscreenCanvas) {
    throw EffectError.unsupported('this browser has no Worker with OffscreenCanvas');
  }
  const assetBase = new URL(options.assetBase ?? '/assets/effects/', location.href).href;
  const workerUrl = options.workerUrl ?? new URL('../effects-worker.js', assetBase).href;
  const initialMode = await resolveEffectMode(options.mode ?? { kind: 'none' }, loadBackgroundImage);
  const wanted = options.pipeline ?? 'auto';
  const streams =
    wanted === 'streams' || (wanted === 'auto' && features.trackStreams && features.transferableStreams);
  if (!streams && !(features.canvasCaptureStream && (features.videoFrameCallback || features.videoFrame))) {
    throw EffectError.unsupported('this browser can neither process track streams nor capture a canvas');
  }
  const delegate = options.delegate ?? 'auto';
  const renderer = options.renderer ?? 'auto';
  const cached = delegate === 'auto' || renderer === 'auto' ? cachedChoice() : null;
  const engineOptions: EngineOptions = {
    assetBase,
    ...(options.modelUrl ? { modelUrl: new URL(options.modelUrl, location.href).href } : {}),
    delegate: delegate === 'auto' ? (cached?.delegate ?? 'auto') : delegate,
    adaptive: true,
    ...(options.lowerResolution === false ? { lowerResolution: false } : {}),
    ...(options.testing?.failSegmentationAfter !== undefined
      ? { failSegmentationAfter: options.testing.failSegmentationAfter }
      : {}),
    ...(options.testing?.slowFrameMs ? { slowFrameMs: options.testing.slowFrameMs } : {}),
    ...(cameraTrack.getSettings().frameRate ? { frameRate: cameraTrack.getSettings().frameRate } : {}),
    renderer: renderer === 'auto' ? (cached?.renderer ?? 'auto') : renderer,
  };
  const cacheChoice = delegate === 'auto' && renderer === 'auto';
  // Classic worker: MediaPipe's wasm loader uses importScripts.
  const worker = new Worker(workerUrl, { name: 'backdrop-effects' });
  if (streams) {
    const { readable, writable, output } = createTrackStreams(cameraTrack);
    const effect = new BackgroundEffect(worker, 'streams', output, null, cacheChoice);
    const message: ToWorker = {
      type: 'init',
      options: engineOptions,
      mode: initialMode,
      pipeline: 'streams',
      readable,
      writable,
    };
    worker.postMessage(message, [
      readable as unknown as Transferable,
      writable as unknown as Transferable,
      ...transferablesOf(initialMode),
    ]);
    return effect;
  }
  const frames = await createFramesPipeline(cameraTrack, (frame, timestampMs, cameraIntervalMs) => {
    const message: ToWorker = { type: 'frame', frame, timestampMs, cameraIntervalMs };
    worker.postMessage(message, [frame]);
  });
  const effect = new BackgroundEffect(worker, 'frames', frames.track, frames, cacheChoice);
  const message: ToWorker = { type: 'init', options: engineOptions, mode: initialMode, pipeline: 'frames' };
  worker.postMessage(message, transferablesOf(initialMode));
  return effect;
}
