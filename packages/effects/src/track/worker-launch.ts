import { type ResolvedEffectMode, transferablesOf } from '../mode.js';
import type { EngineOptions } from '../worker/engine-deps.js';
import type { ToWorker } from '../worker/protocol.js';
import type { FramesPipeline } from './frames-pipeline.js';
import { cameraStream } from './insertable-streams.js';
import type { OutputMux } from './output-mux.js';
import { takeSpareWorker } from './runtime-caches.js';

/** The worker a preload started ahead (its script already running), else a new one. */
function startWorker(workerUrl: string): Worker {
  return takeSpareWorker(workerUrl) ?? new Worker(workerUrl, { name: 'backdrop-effects' });
}

/** One running effects worker and what ties it to the page; `detach()` undoes all of it. Idempotent. */
export interface LaunchedWorker {
  worker: Worker;
  detach(): void;
}

/**
 * How the page starts (and, after a crash, restarts) the effects worker, behind one function: the output
 * track outlives every worker, so a restart never changes what the app publishes.
 */
export type WorkerLauncher = (init: { options: EngineOptions; mode: ResolvedEffectMode }) => LaunchedWorker;

/**
 * Streams pipeline (Chromium). The output generator belongs to the page (OutputMux); each worker gets its own
 * MediaStreamTrackProcessor on a clone of the camera and writes into a relay whose frames the mux writes into
 * the generator. A dead worker's relay is let go and the next one's attached, into the same track.
 */
export function streamsLauncher(
  camera: MediaStreamTrack,
  workerUrl: string,
  output: OutputMux,
): WorkerLauncher {
  return ({ options, mode }) => {
    const worker = startWorker(workerUrl);
    const input = camera.clone();
    const readable = cameraStream(input);
    const relay = new TransformStream<VideoFrame, VideoFrame>();
    // Let go on detach (the worker died or the effect ended): the next worker's relay takes over.
    const letGo = output.attach(relay.readable);
    const message: ToWorker = {
      type: 'init',
      options,
      mode,
      pipeline: 'streams',
      readable,
      writable: relay.writable,
    };
    worker.postMessage(message, [
      readable as unknown as Transferable,
      relay.writable as unknown as Transferable,
      ...transferablesOf(mode),
    ]);
    let detached = false;
    return {
      worker,
      detach() {
        if (detached) return;
        detached = true;
        letGo();
        input.stop();
        worker.terminate();
      },
    };
  };
}

/** Frames pipeline (Firefox, Safari): the page sends each frame to the current worker. */
export function framesLauncher(
  workerUrl: string,
  frames: FramesPipeline,
  setSink: (
    send:
      | ((frame: VideoFrame | ImageBitmap, timestampMs: number, cameraIntervalMs: number | null) => void)
      | null,
  ) => void,
): WorkerLauncher {
  return ({ options, mode }) => {
    const worker = startWorker(workerUrl);
    const message: ToWorker = { type: 'init', options, mode, pipeline: 'frames' };
    worker.postMessage(message, transferablesOf(mode));
    // A frame sent to a worker that died never comes back: let the next one go.
    frames.deliver(null);
    setSink((frame, timestampMs, cameraIntervalMs) => {
      const m: ToWorker = { type: 'frame', frame, timestampMs, cameraIntervalMs };
      worker.postMessage(m, [frame]);
    });
    let detached = false;
    return {
      worker,
      detach() {
        if (detached) return;
        detached = true;
        setSink(null);
        worker.terminate();
      },
    };
  };
}
