import type { SerializedError } from '../errors.js';
import type { ResolvedEffectMode } from '../mode.js';
import type { Renderer } from '../render/compositor.js';
import type { Progress } from '../segmentation/fetch-progress.js';
import type { Delegate } from '../segmentation/segmenter.js';
import type { PageRuntime, RuntimeCache } from '../segmentation/tflite-runtime.js';
import type { StartupReport } from '../startup/timeline.js';
import type { EngineOptions } from './engine-deps.js';
import type { PreloadRequest } from './preload.js';
import type { EffectStats } from './stats.js';

/** Messages from the page to the effects worker. */
export type ToWorker =
  | {
      type: 'init';
      options: EngineOptions;
      mode: ResolvedEffectMode;
      /** 'streams': frames arrive on `readable` and leave on `writable`. 'frames': one message per frame. */
      pipeline: 'streams' | 'frames';
      readable?: ReadableStream<VideoFrame>;
      writable?: WritableStream<VideoFrame>;
    }
  /** `requestedAt`: epoch ms of the page's setMode() (a suspended effect reports its resume from it). */
  /** A spare worker (preloadEffects): load the model now, before the effect's init (see preload.ts). */
  | { type: 'preload'; request: PreloadRequest }
  /**
   * A spare worker whose page has no back end kept from an earlier start: read the WebGL renderer now (a GL
   * context, ~0.1–0.4 s on SwiftShader), while the page still waits for the camera and the runtime, instead of
   * at the effect's start (the engine then finds it read).
   */
  | { type: 'probeRenderer' }
  | { type: 'mode'; id: number; mode: ResolvedEffectMode; requestedAt?: number }
  /**
   * Idle until the next 'mode': camera frames are dropped unread, nothing is output, the runtime and model stay
   * loaded (answered with 'modeApplied').
   */
  | { type: 'idle'; id: number }
  /** The runtime and model the page loaded for this worker (init had `options.pageRuntime`); null: load them. */
  | { type: 'runtime'; runtime: PageRuntime | null }
  | {
      type: 'frame';
      frame: VideoFrame | ImageBitmap;
      timestampMs: number;
      /** The camera's interval as the page sees it (every frame, sent or skipped); null until known. */
      cameraIntervalMs: number | null;
    }
  | { type: 'dispose' };

/** Messages from the effects worker to the page. */
export type FromWorker =
  | { type: 'progress'; progress: Progress }
  | {
      type: 'ready';
      delegate: Delegate;
      renderer: Renderer;
      measuredMs: Partial<Record<Delegate, number>>;
    }
  | { type: 'error'; error: SerializedError }
  | { type: 'modeApplied'; id: number }
  /** The start-up timeline (at ready, and again at the first effected frame). */
  | { type: 'startup'; startup: StartupReport }
  /** The compiled runtime and model, for the page to hand to a later worker. */
  | { type: 'runtimeCache'; cache: RuntimeCache }
  | { type: 'stats'; stats: EffectStats }
  /** 'frames' pipeline: the processed frame, or null when no frame could be made. */
  | { type: 'frame'; bitmap: ImageBitmap | null }
  | { type: 'disposed' };
