import { type ResolvedEffectMode, transferablesOf } from '../mode.js';
import type { EngineOptions } from '../worker/engine.js';
import type { ToWorker } from '../worker/protocol.js';
import type { FramesPipeline } from './frames-pipeline.js';
import { createTrackStreams, type TrackStreams } from './insertable-streams.js';

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
 * Streams pipeline (Chromium). The output generator belongs to the page; each worker gets its own
 * MediaStreamTrackProcessor on a clone of the camera and writes into a relay that the page pipes into the
 * generator. A dead worker's relay is cut off and the next one's is piped in, into the same track.
 */
export function streamsLauncher(
  camera: MediaStreamTrack,
  workerUrl: string,
  output: TrackStreams,
): WorkerLauncher {
  // The generator's writable takes one pipe at a time: a new relay is piped in once the old pipe let go.
  let previousPipe: Promise<void> = Promise.resolve();
  return ({ options, mode }) => {
    const worker = new Worker(workerUrl, { name: 'backdrop-effects' });
    const input = camera.clone();
    const { readable } = createTrackStreams(input, output);
    const relay = new TransformStream<VideoFrame, VideoFrame>();
    const piping = new AbortController();
    const pipe = previousPipe.then(() =>
      relay.readable.pipeTo(output.writable, {
        preventAbort: true,
        preventCancel: true,
        preventClose: true,
        signal: piping.signal,
      }),
    );
    // Cut off on detach (the worker died or the effect ended): the next worker's relay takes over.
    previousPipe = pipe.catch(() => undefined);
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
        piping.abort();
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
    const worker = new Worker(workerUrl, { name: 'backdrop-effects' });
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
