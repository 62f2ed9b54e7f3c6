import { TypedEmitter } from '@backdrop/events';
import { loadBackgroundImage } from '../background-image.js';
import { deserializeError, EffectError } from '../errors.js';
import { detectFeatures } from '../features.js';
import { createLogger } from '../log.js';
import { type EffectMode, type ResolvedEffectMode, resolveEffectMode, transferablesOf } from '../mode.js';
import type { Renderer } from '../render/compositor.js';
import type { Progress } from '../segmentation/fetch-progress.js';
import type { Delegate } from '../segmentation/segmenter.js';
import { epochNow, type StartupReport } from '../startup/timeline.js';
import type { EngineOptions } from '../worker/engine-deps.js';
import type { FromWorker, ToWorker } from '../worker/protocol.js';
import type { EffectStats } from '../worker/stats.js';
import { cachedChoice, choiceKey, storeChoice } from './choice-cache.js';
import { createFramesPipeline, type FramesPipeline } from './frames-pipeline.js';
import { createOutputTrack } from './insertable-streams.js';
import { createOutputMux, type OutputSink } from './output-mux.js';
import { effectsUrls, keepRuntimeCache, loadPageRuntime, runtimeCacheFor } from './runtime-caches.js';
import { STAND_IN_INTERVAL_MS, standInDue } from './stand-in.js';
import {
  framesLauncher,
  type LaunchedWorker,
  streamsLauncher,
  type WorkerLauncher,
} from './worker-launch.js';

export interface BackgroundEffectOptions {
  /** Where the model, wasm and worker are served (default '/assets/effects/'). Nothing is fetched elsewhere. */
  assetBase?: string;
  /** The worker script (default: `../effects-worker.js` relative to assetBase). */
  workerUrl?: string;
  /** Override the model URL (default: assetBase + selfie_segmentation_landscape.tflite). */
  modelUrl?: string;
  /** MediaPipe runtime only: 'auto' uses CPU on a software rasterizer, else measures CPU and GPU once. */
  delegate?: Delegate | 'auto';
  /** The segmentation runtime: 'tflite' (default, 2.6 MB) or 'mediapipe' (11.2 MB, has a GPU delegate). */
  runtime?: 'tflite' | 'mediapipe';
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
  /**
   * Compositing back end: 'auto' (default) picks a CPU back end where WebGL is a software rasterizer, else
   * measures the back ends once and caches the winner.
   */
  renderer?: Renderer | 'auto';
}

export interface BackgroundEffectEvents {
  /** Download progress of the model and runtime. */
  modelProgress: (progress: Progress) => void;
  ready: (info: { delegate: Delegate; renderer: Renderer }) => void;
  /** Something failed; while an effect is selected the output stays blurred/blank, never raw. */
  error: (error: EffectError) => void;
  /** The worker died and a new one took over the same output track (privacy frames until it is ready). */
  restarted: (info: { restarts: number; reason: string }) => void;
  /**
   * Where the start-up time went (at ready, and again at the first effected frame); and, for a suspended
   * effect chosen again, a report of kind 'resume' at its first effected frame (from the setMode() call).
   */
  startup: (report: StartupReport) => void;
}

/**
 * A running worker (model loaded) that stays silent this long is taken for dead: it posts stats twice a second,
 * and its longest synchronous step after start-up is one frame. Not armed while it starts, where synchronous
 * steps (GL context, model load) can take seconds on a loaded machine.
 */
export const WORKER_SILENCE_MS = 5000;
/**
 * How long a running worker may be silent: WORKER_SILENCE_MS, or five of its slow frames where frames are slow
 * (a software-GL back end on a loaded machine can take seconds per frame and is not dead).
 */
export function silenceLimitMs(stats: Pick<EffectStats, 'msPerFrameP95'> | null): number {
  const p95 = stats?.msPerFrameP95 ?? 0;
  return Math.max(WORKER_SILENCE_MS, Number.isFinite(p95) ? 5 * p95 : 0);
}

/** Restarts allowed in RESTART_WINDOW_MS before the effect is declared failed. */
export const MAX_RESTARTS = 3;
const RESTART_WINDOW_MS = 60_000;

interface EffectSetup {
  launcher: WorkerLauncher;
  engineOptions: EngineOptions;
  pipeline: 'streams' | 'frames';
  output: MediaStreamTrack;
  frames: FramesPipeline | null;
  /** Where output frames go (the streams mux or the frames pipeline): stand-ins are written there. */
  sink: OutputSink;
  choiceKey: string | null;
  /** The model's URL (absolute): with the asset base, the key of the page's runtime cache. */
  modelUrl: string;
  mode: EffectMode;
  resolved: ResolvedEffectMode;
}

/**
 * A camera track with a background effect. Frames are processed in a worker; `track` carries the result.
 * While the mode is not `none`, `track` never carries a raw camera frame. If the worker dies, a new one takes
 * over the same track (privacy frames until its model is ready).
 */
export class BackgroundEffect extends TypedEmitter<BackgroundEffectEvents> {
  state: 'loading' | 'running' | 'failed' | 'disposed' = 'loading';
  readonly track: MediaStreamTrack;
  readonly pipeline: 'streams' | 'frames';
  private latestStats: EffectStats | null = null;
  private latestStartup: StartupReport | null = null;
  private modeId = 0;
  private readonly pendingModes = new Map<
    number,
    { resolve: () => void; reject: (e: EffectError) => void }
  >();
  private workerDead = false;
  private readonly readyWaiters: Array<{ resolve: () => void; reject: (e: EffectError) => void }> = [];
  private lastError: EffectError | null = null;
  private readonly log = createLogger('effects.track');
  private current: LaunchedWorker;
  /** Whether the current worker ever spoke (a worker that never starts is a failure, not a crash). */
  private heardFrom = false;
  private lastHeardAt = performance.now();
  private readonly restartTimes: number[] = [];
  private readonly watchdog: ReturnType<typeof setInterval>;
  private readonly standInTimer: ReturnType<typeof setInterval>;
  private restartedAt: number | null = null;
  private lastStandInAt: number | null = null;
  /** The caller's current mode, re-resolved for a new worker after a crash. */
  private mode: EffectMode;
  private idle = false;

  constructor(private readonly setup: EffectSetup) {
    super({ name: 'effects.track' });
    this.track = setup.output;
    this.pipeline = setup.pipeline;
    this.mode = setup.mode;
    this.current = this.launch(setup.resolved);
    this.watchdog = setInterval(() => {
      const silence = silenceLimitMs(this.latestStats);
      if (this.state === 'running' && performance.now() - this.lastHeardAt > silence)
        this.restart(`no message for ${Math.round(silence)} ms`);
    }, WORKER_SILENCE_MS / 4);
    // While the worker is gone (dead, silent, or replaced and not delivering yet) the output gets dark
    // stand-in frames rather than freezing on the last one (stand-in.ts decides; a check is a few compares).
    this.standInTimer = setInterval(() => {
      // Suspended: nothing is shown from this track, and it is meant to be still.
      if (this.state === 'disposed' || this.state === 'failed' || this.idle) return;
      const now = performance.now();
      const sink = this.setup.sink;
      const due = standInDue({
        now,
        lastFrameAt: sink.lastFrameAt,
        lastStandInAt:
          this.lastStandInAt !== null && this.lastStandInAt > (sink.lastFrameAt ?? 0)
            ? this.lastStandInAt
            : null,
        lastHeardAt: this.lastHeardAt,
        restartedAt: this.restartedAt,
        frameP95Ms: this.latestStats?.msPerFrameP95 ?? Number.NaN,
      });
      if (!due) return;
      this.lastStandInAt = now;
      sink.writeStandIn();
    }, STAND_IN_INTERVAL_MS / 2);
  }

  /** Switches the effect. Resolves once frames use it; on a bad mode or image it rejects and nothing changes. */
  async setMode(mode: EffectMode): Promise<void> {
    if (this.state === 'disposed') throw EffectError.invalidState('setMode() after dispose()');
    const requestedAt = epochNow();
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
    this.mode = mode;
    this.idle = false;
    const applied = new Promise<void>((resolve, reject) => this.pendingModes.set(id, { resolve, reject }));
    this.post({ type: 'mode', id, mode: resolved, requestedAt }, transferablesOf(resolved));
    await applied;
  }

  /**
   * Stops the effect's work and output but keeps its worker, compiled runtime and model: the next setMode()
   * applies from the very next camera frame, with no start-up at all (the app's "None" after an effect). `track`
   * gets no frames meanwhile (the caller shows the camera). Resolves once the worker is idle.
   */
  async suspend(): Promise<void> {
    if (this.state === 'disposed') throw EffectError.invalidState('suspend() after dispose()');
    if (this.workerDead)
      throw this.lastError ?? new EffectError('worker_failed', 'the effects worker is gone');
    this.idle = true;
    const id = ++this.modeId;
    const applied = new Promise<void>((resolve, reject) => this.pendingModes.set(id, { resolve, reject }));
    this.post({ type: 'idle', id });
    await applied;
  }

  /** Whether the effect is suspended (see suspend()) until the next setMode(). */
  get suspended(): boolean {
    return this.idle;
  }

  /** Resolves when the model is loaded; rejects if loading failed. */
  whenReady(): Promise<void> {
    if (this.state === 'running') return Promise.resolve();
    if (this.state === 'failed' && this.lastError) return Promise.reject(this.lastError);
    if (this.state === 'disposed') return Promise.reject(EffectError.invalidState('disposed'));
    return new Promise((resolve, reject) => this.readyWaiters.push({ resolve, reject }));
  }

  /** The latest figures from the worker (updated twice a second), with the page's own counts as of now. */
  stats(): EffectStats | null {
    // Stand-ins are the page's: a new worker's first stats can come a while after it took over.
    return this.latestStats && { ...this.latestStats, standIns: this.setup.sink.standIns };
  }

  /** Where the worker's start-up time went, phase by phase (null until the model is ready; never a resume). */
  startup(): StartupReport | null {
    return this.latestStartup;
  }

  /** Test-only: kills the worker outright (no message, no error event), as a crash of its process would. */
  killWorkerForTesting(): void {
    this.current.worker.terminate();
  }

  /** Stops the worker, releases every frame and GPU object, and ends `track`. Idempotent. The camera track passed in stays the caller's: it is not stopped. */
  dispose(): void {
    if (this.state === 'disposed') return;
    this.state = 'disposed';
    clearInterval(this.watchdog);
    clearInterval(this.standInTimer);
    this.post({ type: 'dispose' });
    this.setup.sink.dispose();
    // Give the worker a moment to free its GL context, then make sure it is gone.
    const launched = this.current;
    setTimeout(() => launched.detach(), 500);
    this.track.stop();
    for (const pending of this.pendingModes.values()) pending.resolve();
    this.pendingModes.clear();
    for (const w of this.readyWaiters.splice(0)) w.reject(EffectError.invalidState('disposed'));
    this.removeAllListeners();
  }

  private launch(mode: ResolvedEffectMode): LaunchedWorker {
    const { assetBase, runtime } = this.setup.engineOptions;
    const { modelUrl } = this.setup;
    const tflite = (runtime ?? 'tflite') === 'tflite';
    const kept = tflite ? runtimeCacheFor(assetBase, modelUrl) : undefined;
    // Nothing kept: the page compiles the wasm and fetches the model while the worker's script starts, rather
    // than the worker doing it after (the start's two slowest steps in parallel, not in sequence).
    const fromPage = tflite && !kept;
    const launched = this.setup.launcher({
      options: {
        ...this.setup.engineOptions,
        createdAt: epochNow(),
        ...(kept ? { runtimeCache: kept } : {}),
        ...(fromPage ? { pageRuntime: true } : {}),
      },
      mode,
    });
    if (fromPage)
      void loadPageRuntime({ assetBase, modelUrl, onProgress: (p) => this.emit('modelProgress', p) }).then(
        (given) => {
          // A worker already let go is terminated: the message goes nowhere.
          if (this.state !== 'disposed') launched.worker.postMessage({ type: 'runtime', runtime: given });
        },
      );
    this.heardFrom = false;
    launched.worker.onmessage = (event: MessageEvent<FromWorker>) => {
      if (launched !== this.current) return;
      this.heardFrom = true;
      this.lastHeardAt = performance.now();
      this.onWorkerMessage(event.data);
    };
    launched.worker.onerror = (event) => {
      event.preventDefault();
      if (launched !== this.current) return;
      if (this.heardFrom) this.restart(`the worker crashed: ${event.message}`);
      else this.onError(new EffectError('worker_failed', `the effects worker crashed: ${event.message}`));
    };
    return launched;
  }

  /** Replaces a dead worker by a new one on the same output track, with the current mode. */
  private restart(reason: string): void {
    if (this.state === 'disposed' || this.workerDead) return;
    const now = performance.now();
    while (this.restartTimes.length > 0 && now - this.restartTimes[0]! > RESTART_WINDOW_MS)
      this.restartTimes.shift();
    this.current.detach();
    if (this.restartTimes.length >= MAX_RESTARTS) {
      this.onError(
        new EffectError('worker_failed', `the effects worker died ${MAX_RESTARTS + 1} times: ${reason}`),
      );
      return;
    }
    this.restartTimes.push(now);
    this.restartedAt = now;
    this.log.warn('restarting the worker', { reason, restarts: this.restartTimes.length });
    if (this.state === 'running') this.state = 'loading';
    const fresh = this.launch({ kind: 'blur', strength: 1 });
    this.current = fresh;
    this.lastHeardAt = now;
    if (this.idle) {
      // Suspended: the new worker idles too (it loads its model meanwhile).
      this.post({ type: 'idle', id: ++this.modeId });
    } else {
      // Until the caller's mode is resolved again, the new worker blurs (a decoded image may take a moment).
      void resolveEffectMode(this.mode, loadBackgroundImage)
        .catch(() => resolveEffectMode({ kind: 'blur' }, loadBackgroundImage))
        .then((resolved) => {
          if (this.current !== fresh || this.state === 'disposed') {
            if (resolved.kind === 'replace') resolved.image.close();
            return;
          }
          this.post({ type: 'mode', id: ++this.modeId, mode: resolved }, transferablesOf(resolved));
        });
    }
    // Switches waiting on the dead worker were re-sent with the mode above (the latest wins): let them go.
    for (const pending of this.pendingModes.values()) pending.resolve();
    this.pendingModes.clear();
    this.emit('restarted', { restarts: this.restartTimes.length, reason });
  }

  private post(message: ToWorker, transfer: Transferable[] = []): void {
    this.current.worker.postMessage(message, transfer);
  }

  private onWorkerMessage(message: FromWorker): void {
    switch (message.type) {
      case 'progress':
        this.emit('modelProgress', message.progress);
        break;
      case 'ready':
        if (this.state === 'loading') this.state = 'running';
        if (this.setup.choiceKey)
          storeChoice(this.setup.choiceKey, { delegate: message.delegate, renderer: message.renderer });
        for (const w of this.readyWaiters.splice(0)) w.resolve();
        this.emit('ready', { delegate: message.delegate, renderer: message.renderer });
        break;
      case 'startup':
        // startup() is the worker's start; a resume's timeline is only an event.
        if (message.startup.kind === 'start') this.latestStartup = message.startup;
        this.emit('startup', message.startup);
        break;
      case 'runtimeCache':
        keepRuntimeCache(this.setup.engineOptions.assetBase, this.setup.modelUrl, message.cache);
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
          ...(this.setup.frames ? { page: this.setup.frames.stats() } : {}),
          standIns: this.setup.sink.standIns,
        };
        break;
      case 'frame':
        this.setup.frames?.deliver(message.bitmap);
        break;
      case 'disposed':
        this.current.detach();
        break;
    }
  }

  private onError(error: EffectError): void {
    if (this.state === 'disposed') return;
    this.lastError = error;
    if (error.code === 'worker_failed') {
      // No 'modeApplied' will ever come: fail the waiting switches instead of leaving them hanging.
      this.workerDead = true;
      clearInterval(this.watchdog);
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

/** Whether this browser can run background effects at all (a cheap check: nothing is loaded). */
export function effectsSupported(): boolean {
  const features = detectFeatures();
  return (
    features.worker &&
    features.offscreenCanvas &&
    ((features.trackStreams && features.transferableStreams) ||
      (features.canvasCaptureStream && (features.videoFrameCallback || features.videoFrame)))
  );
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
  const { assetBase, workerUrl, modelUrl } = effectsUrls(options);
  const mode = options.mode ?? { kind: 'none' };
  const resolved = await resolveEffectMode(mode, loadBackgroundImage);
  const wanted = options.pipeline ?? 'auto';
  const streams =
    wanted === 'streams' || (wanted === 'auto' && features.trackStreams && features.transferableStreams);
  if (!streams && !(features.canvasCaptureStream && (features.videoFrameCallback || features.videoFrame))) {
    throw EffectError.unsupported('this browser can neither process track streams nor capture a canvas');
  }
  const delegate = options.delegate ?? 'auto';
  const renderer = options.renderer ?? 'auto';
  const runtime = options.runtime ?? 'tflite';
  const key = delegate === 'auto' && renderer === 'auto' ? choiceKey(assetBase, runtime) : null;
  const cached = key ? cachedChoice(key) : null;
  const frameRate = cameraTrack.getSettings().frameRate;
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
    ...(frameRate ? { frameRate } : {}),
    renderer,
    ...(renderer === 'auto' && cached ? { cachedRenderer: cached.renderer } : {}),
    runtime,
  };
  if (streams) {
    const output = createOutputTrack();
    const mux = createOutputMux(output.writable);
    return new BackgroundEffect({
      launcher: streamsLauncher(cameraTrack, workerUrl, mux),
      engineOptions,
      pipeline: 'streams',
      output: output.output,
      frames: null,
      sink: mux,
      choiceKey: key,
      modelUrl,
      mode,
      resolved,
    });
  }
  let sink:
    | ((frame: VideoFrame | ImageBitmap, timestampMs: number, cameraIntervalMs: number | null) => void)
    | null = null;
  const frames = await createFramesPipeline(cameraTrack, (frame, timestampMs, cameraIntervalMs) => {
    if (!sink) throw EffectError.invalidState('no effects worker');
    sink(frame, timestampMs, cameraIntervalMs);
  });
  return new BackgroundEffect({
    launcher: framesLauncher(workerUrl, frames, (next) => {
      sink = next;
    }),
    engineOptions,
    pipeline: 'frames',
    output: frames.track,
    frames,
    sink: frames,
    choiceKey: key,
    modelUrl,
    mode,
    resolved,
  });
}
