/// <reference lib="webworker" />
import { EffectError, serializeError } from '../errors.js';
import type { PageRuntime } from '../segmentation/tflite-runtime.js';
import { epochNow } from '../startup/timeline.js';
import { Engine } from './engine.js';
import { REAL_ENGINE_DEPS } from './engine-deps.js';
import { type Preload, startPreload, withPreload } from './preload.js';
import type { FromWorker, ToWorker } from './protocol.js';

/**
 * The effects worker: owns the Engine and, on the streams pipeline, the frame loop. Loaded as a classic
 * worker so that the runtimes' loaders (TFLite's, MediaPipe Tasks' API and wasm loader) can use importScripts.
 */
declare const self: DedicatedWorkerGlobalScope;

/** When this script began to run (after it was fetched and compiled): the start-up's detail. */
const scriptRunningAt = epochNow();

let engine: Engine | null = null;
let pipeline: 'streams' | 'frames' | null = null;
let statsTimer: ReturnType<typeof setInterval> | null = null;
let stopped = false;
/** Between an 'idle' and the next 'mode': frames are dropped, nothing is output. */
let idle = false;
/** The model this worker loaded before its effect's init (a spare worker of preloadEffects). */
let preload: Preload | null = null;
/** Resolves the runtime the page promised at init (options.pageRuntime). */
let receiveRuntime: ((runtime: PageRuntime | null) => void) | null = null;

function post(message: FromWorker, transfer: Transferable[] = []): void {
  self.postMessage(message, transfer);
}

function reportError(error: unknown, fallback: 'render_failed' | 'worker_failed'): void {
  post({ type: 'error', error: serializeError(error, fallback) });
}

/** Reads camera frames, writes processed ones. Every input frame and every output frame is closed here. */
async function runStreams(
  readable: ReadableStream<VideoFrame>,
  writable: WritableStream<VideoFrame>,
): Promise<void> {
  const reader = readable.getReader();
  const writer = writable.getWriter();
  try {
    while (!stopped) {
      const tRead = performance.now();
      const { done, value: frame } = await reader.read();
      if (done || !frame) break;
      engine?.loopWait('wait', performance.now() - tRead);
      let output: VideoFrame | null = null;
      try {
        if (engine && !stopped && !idle) {
          engine.process(frame, frame.timestamp / 1000);
          const t = performance.now();
          output = engine.outputFrame(frame.timestamp);
          engine.frameDelivered(performance.now() - t);
        }
      } catch (error) {
        // No output for this frame rather than anything unprocessed.
        reportError(error, 'render_failed');
      } finally {
        frame.close();
      }
      if (output) {
        const tWrite = performance.now();
        // The relay to the page is a transferred stream: the page gets a clone, and this frame is still ours to
        // close. Left to the garbage collector, every output frame's picture stayed alive: with mode none (little
        // JS garbage, so rare collections) the renderer grew 531 -> 1628 MB in 40 s at 720p.
        try {
          await writer.write(output);
        } finally {
          output.close();
        }
        engine?.loopWait('write', performance.now() - tWrite);
      }
    }
  } catch (error) {
    if (!stopped)
      reportError(
        new EffectError('worker_failed', 'the frame stream broke', { cause: error }),
        'worker_failed',
      );
  } finally {
    reader.releaseLock();
    await writer.close().catch(() => undefined);
  }
}

/**
 * The frames pipeline's replies, in the order the frames came: a bitmap may be made asynchronously
 * (Compositor.outputBitmap), and the page counts one reply per frame it sent.
 */
let replies: Promise<void> = Promise.resolve();

function processOne(frame: VideoFrame | ImageBitmap, timestampMs: number): void {
  let bitmap: ImageBitmap | Promise<ImageBitmap> | null = null;
  let t = 0;
  try {
    if (engine && !idle) {
      engine.process(frame, timestampMs);
      t = performance.now();
      bitmap = engine.outputBitmap();
    }
  } catch (error) {
    reportError(error, 'render_failed');
  } finally {
    frame.close();
  }
  const made = Promise.resolve(bitmap);
  replies = replies
    .then(() => made)
    .then(
      (done) => {
        if (done) engine?.frameDelivered(performance.now() - t);
        post({ type: 'frame', bitmap: done }, done ? [done] : []);
      },
      (error: unknown) => {
        reportError(error, 'render_failed');
        post({ type: 'frame', bitmap: null });
      },
    );
}

self.onmessage = (event: MessageEvent<ToWorker>) => {
  const message = event.data;
  switch (message.type) {
    case 'init': {
      const initAt = epochNow();
      pipeline = message.pipeline;
      engine = new Engine(
        message.options,
        {
          progress: (progress) => post({ type: 'progress', progress }),
          ready: (info) => post({ type: 'ready', ...info }),
          error: (error) => post({ type: 'error', error: serializeError(error, 'worker_failed') }),
          startup: (startup) => post({ type: 'startup', startup }),
          runtimeCache: (cache) => post({ type: 'runtimeCache', cache }),
        },
        withPreload(REAL_ENGINE_DEPS, preload),
      );
      preload = null;
      const { timeline } = engine;
      const createdAt = message.options.createdAt;
      // A worker started for this effect (not a spare started ahead, whose start is not on the path).
      if (createdAt !== undefined && performance.timeOrigin >= createdAt) {
        timeline.detail('workerThread', performance.timeOrigin - createdAt);
        timeline.detail('workerScript', scriptRunningAt - performance.timeOrigin);
        timeline.detail('workerInit', initAt - scriptRunningAt);
        timeline.detail('engineInit', epochNow() - initAt);
      }
      engine.setMode(message.mode);
      void engine.start(
        message.options.pageRuntime
          ? new Promise<PageRuntime | null>((resolve) => {
              receiveRuntime = resolve;
            })
          : undefined,
      );
      const postStats = () => {
        if (engine) post({ type: 'stats', stats: engine.stats(pipeline) });
      };
      // One at once: a start now often shows the effect before the first tick (the page's stats() would be null).
      postStats();
      statsTimer = setInterval(postStats, 500);
      if (message.pipeline === 'streams' && message.readable && message.writable) {
        void runStreams(message.readable, message.writable);
      }
      break;
    }
    case 'probeRenderer':
      // Kept by glRendererName for this realm: the engine's start reads it from there.
      if (!engine) REAL_ENGINE_DEPS.glRenderer();
      break;
    case 'preload':
      // Only before the effect's init: after it, the engine loads what the page sends it.
      if (!engine && !preload) preload = startPreload(message.request, REAL_ENGINE_DEPS.loadSegmenter);
      break;
    case 'mode':
      if (idle && message.requestedAt !== undefined) engine?.resumeRequested(message.requestedAt);
      idle = false;
      engine?.setMode(message.mode);
      post({ type: 'modeApplied', id: message.id });
      break;
    case 'idle':
      idle = true;
      // The next effect starts from a fresh mask, not one smoothed with the picture of minutes ago.
      engine?.setMode({ kind: 'none' });
      engine?.reset();
      post({ type: 'modeApplied', id: message.id });
      break;
    case 'runtime':
      receiveRuntime?.(message.runtime);
      receiveRuntime = null;
      break;
    case 'frame':
      if (message.cameraIntervalMs !== null) engine?.setCameraInterval(message.cameraIntervalMs);
      processOne(message.frame, message.timestampMs);
      break;
    case 'dispose':
      stopped = true;
      if (statsTimer) clearInterval(statsTimer);
      engine?.dispose();
      engine = null;
      post({ type: 'disposed' });
      self.close();
      break;
  }
};
