/**
 * A spare worker's warm-up (preloadEffects with `warmUp`): once its model is loaded, and before the camera
 * has given a frame, it runs every stage of an effected frame (segment, refine, composite, output) on blank
 * frames through a throwaway Engine, so the effect's first real frame runs code V8 has already compiled. Cold,
 * that first frame cost segment 159 + refine 129 + composite 120 ms here (bench:start, idle), where the
 * steady state is ~6 / 6 / 4 ms. The JIT's work belongs to this worker's isolate, not to the Engine object, so
 * the effect's own Engine (created at init in the same worker) finds it done; the GL probe that picks the back
 * end is cached per realm too (features.ts), so it also leaves the path.
 */
import type { ResolvedEffectMode } from '../mode.js';
import { Engine, type EngineDeps, type EngineOptions, type LoadedSegmenter, START_FRAMES } from './engine.js';

/** What the page asks a spare worker to warm: the effect the link names (its kind is enough). */
export interface WarmUpRequest {
  kind: 'blur' | 'remove' | 'replace';
  /** The back end an earlier start in this browser measured (the page's cache), as the effect's init gets it. */
  cachedRenderer?: EngineOptions['cachedRenderer'];
}

/**
 * A wide frame: the second model pass and the stages follow a landscape camera's path, at a quarter of 720p's
 * pixels (the JIT's work does not depend on the size; the CPU spent while the camera opens does).
 */
export const WARM_UP_SIZE = { width: 640, height: 360 };
/** The start's cheap frames, then two at the budget's own quality (the level the effect goes on at). */
export const WARM_UP_FRAMES = START_FRAMES + 2;

async function blankMode(kind: WarmUpRequest['kind']): Promise<ResolvedEffectMode> {
  switch (kind) {
    case 'blur':
      return { kind: 'blur', strength: 0.6 };
    case 'remove':
      return { kind: 'remove', color: [0, 128, 0] };
    case 'replace':
      return {
        kind: 'replace',
        image: await createImageBitmap(new OffscreenCanvas(WARM_UP_SIZE.width, WARM_UP_SIZE.height)),
      };
  }
}

/** The segmenter lent to the throwaway Engine: its dispose must not close what the effect will use. */
function lent(loaded: LoadedSegmenter): LoadedSegmenter {
  const { segmenter } = loaded;
  return {
    ...loaded,
    segmenter: {
      delegate: segmenter.delegate,
      segment: (image, timestampMs) => segmenter.segment(image, timestampMs),
      close: () => undefined,
    },
  };
}

/**
 * Runs `frames` blank frames through an Engine built on `deps` with the loaded segmenter; yields to the
 * worker's messages between frames and stops early once `stop()` says the effect's init has come (its own
 * frames then do the rest). Returns the frames processed. Never throws: a warm-up only buys speed.
 */
export async function warmUpStages(
  loaded: LoadedSegmenter,
  options: EngineOptions,
  request: WarmUpRequest,
  deps: EngineDeps,
  stop: () => boolean,
  frames = WARM_UP_FRAMES,
): Promise<number> {
  let engine: Engine | null = null;
  let done = 0;
  try {
    engine = new Engine(
      {
        ...options,
        renderer: 'auto',
        ...(request.cachedRenderer ? { cachedRenderer: request.cachedRenderer } : {}),
      },
      { progress: () => undefined, ready: () => undefined, error: () => undefined },
      { ...deps, loadSegmenter: async () => lent(loaded) },
    );
    engine.setMode(await blankMode(request.kind));
    await engine.start();
    if (engine.state !== 'ready') return 0;
    const canvas = new OffscreenCanvas(WARM_UP_SIZE.width, WARM_UP_SIZE.height);
    const context = canvas.getContext('2d');
    if (!context) return 0;
    context.fillStyle = '#808080';
    context.fillRect(0, 0, canvas.width, canvas.height);
    for (let i = 0; i < frames && !stop(); i++) {
      const timestamp = Math.round((i * 1_000_000) / 30);
      const frame = new VideoFrame(canvas, { timestamp });
      try {
        engine.process(frame, timestamp / 1000);
        const t = performance.now();
        engine.outputFrame(timestamp).close();
        engine.frameDelivered(performance.now() - t);
        done++;
      } finally {
        frame.close();
      }
      // The effect's init (and the page's other messages) need not wait for the whole warm-up.
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
  } catch {
    // Nothing but speed depends on it: the effect's first frame reports any real failure.
  } finally {
    engine?.dispose();
  }
  return done;
}
