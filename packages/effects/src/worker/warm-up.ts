/**
 * A spare worker's warm-up (preloadEffects with `warmUp`): once its model is loaded, and before the camera
 * has given a frame, it runs every stage of an effected frame (segment, refine, composite, output) on blank
 * frames, on a compositor of its own, so the effect's first real frame runs code V8 has already compiled. Cold,
 * that first frame cost segment 159 + refine 129 + composite 120 ms here (bench:start, idle), where the
 * steady state is ~6 / 6 / 4 ms. The JIT's work belongs to this worker's isolate, not to the objects, so the
 * effect's own Engine (created at init in the same worker) finds it done; the GL probe that picks the back
 * end is cached per realm too (features.ts), so it also leaves the path.
 */
import { QUALITY_LEVELS } from '../mask/budget.js';
import type { ResolvedEffectMode } from '../mode.js';
import type { Compositor, Renderer } from '../render/compositor.js';
import { isSoftwareRenderer } from '../startup/decisions.js';
import { type EngineDeps, type LoadedSegmenter, START_FRAMES, START_QUALITY } from './engine.js';

/** What the page asks a spare worker to warm: the effect the link names (its kind is enough). */
export interface WarmUpRequest {
  kind: 'blur' | 'remove' | 'replace';
  /** The back end an earlier start in this browser measured (the page's cache), as the effect's init gets it. */
  cachedRenderer?: Renderer;
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

/** The back end the effect's start will settle on without a trial, or null when it will measure (no warm-up). */
function plannedRenderer(request: WarmUpRequest, deps: EngineDeps): Renderer | null {
  if (request.cachedRenderer) return request.cachedRenderer;
  // The same probe the effect's start makes (cached per realm, so that start then pays nothing for it).
  return isSoftwareRenderer(deps.glRenderer()) ? 'canvas2d' : null;
}

/**
 * Runs `frames` blank frames through the stages of an effected frame, on a compositor of the back end the
 * effect will use and the loaded segmenter: prepare, model input and inference, mask, refinement, composite,
 * output frame. Between stages it yields to the worker's messages and it stops once `stop()` says the
 * effect's init has come, so that init waits for one stage at most (cold and loaded, a whole frame blocked
 * the worker for 1-3 s). Returns the frames completed. Never throws: a warm-up only buys speed.
 */
export async function warmUpStages(
  loaded: LoadedSegmenter,
  request: WarmUpRequest,
  deps: EngineDeps,
  stop: () => boolean,
  frames = WARM_UP_FRAMES,
): Promise<number> {
  let compositor: Compositor | null = null;
  let mode: ResolvedEffectMode | null = null;
  let done = 0;
  const step = async (run: () => void): Promise<boolean> => {
    await new Promise((resolve) => setTimeout(resolve, 0));
    if (stop()) return false;
    run();
    return true;
  };
  try {
    const renderer = plannedRenderer(request, deps);
    if (!renderer || stop()) return 0;
    const blank = await blankMode(request.kind);
    mode = blank;
    const target = deps.createCompositor(renderer);
    compositor = target;
    if (blank.kind === 'replace') target.setBackground(blank.image);
    const canvas = new OffscreenCanvas(WARM_UP_SIZE.width, WARM_UP_SIZE.height);
    const context = canvas.getContext('2d');
    if (!context) return 0;
    context.fillStyle = '#808080';
    context.fillRect(0, 0, canvas.width, canvas.height);
    for (let i = 0; i < frames; i++) {
      // The start's cheap frames first (what the effect's first frames run), then the budget's top level.
      const quality = i < START_FRAMES ? START_QUALITY : QUALITY_LEVELS[0]!;
      const timestamp = Math.round((i * 1_000_000) / 30);
      const prepared = await step(() => {
        const frame = new VideoFrame(canvas, { timestamp });
        try {
          target.prepare(frame);
        } finally {
          frame.close();
        }
      });
      if (!prepared) break;
      const stages = [
        () => {
          const mask = loaded.segmenter.segment(target.modelInput(), timestamp / 1000);
          target.setMask(mask.data, mask.width, mask.height);
        },
        () => target.refine(quality),
        () => target.composite(blank, quality),
        () => target.outputFrame(timestamp).close(),
      ];
      let complete = true;
      for (const stage of stages) {
        if (!(await step(stage))) {
          complete = false;
          break;
        }
      }
      if (!complete) break;
      done++;
    }
  } catch {
    // Nothing but speed depends on it: the effect's first frame reports any real failure.
  } finally {
    compositor?.dispose();
    if (mode?.kind === 'replace') mode.image.close();
  }
  return done;
}
