/**
 * When the output gets a stand-in frame: the worker that feeds it died or went silent, so the picture would
 * freeze on its last frame until a new worker takes over (up to WORKER_SILENCE_MS to notice, then its start).
 * A stand-in is a plain dark frame: it shows nothing of the camera, and it is not a frozen picture. Pure.
 */

/** The least time with no output frame before stand-ins start (ms). */
export const STAND_IN_AFTER_MS = 1000;
/** Stand-ins are written at this interval (ms): ~15 fps, enough for a track that must not look frozen. */
export const STAND_IN_INTERVAL_MS = 66;

export interface StandInInput {
  now: number;
  /** When the last real output frame was written (null: none yet, so nothing would look frozen). */
  lastFrameAt: number | null;
  /** When the last stand-in was written (null: none in this gap). */
  lastStandInAt: number | null;
  /** When the worker last posted anything (it posts stats twice a second while alive). */
  lastHeardAt: number;
  /** When the worker was last replaced (null: never). */
  restartedAt: number | null;
  /** The worker's slow frames (p95 ms, NaN when unknown): a worker this slow is not silent, just slow. */
  frameP95Ms: number;
}

/** How long the output may go without a frame before it counts as a gap (ms). */
export function standInGapMs(frameP95Ms: number): number {
  return Math.max(STAND_IN_AFTER_MS, Number.isFinite(frameP95Ms) ? 3 * frameP95Ms : 0);
}

/**
 * Whether to write a stand-in now: no real frame for a gap, and the worker is the reason (replaced and not yet
 * delivering, or silent for as long), and the last stand-in is an interval old. A live worker with a stopped
 * camera is not the worker's fault: its output keeps its last frame, as any camera track would.
 */
export function standInDue(input: StandInInput): boolean {
  if (input.lastFrameAt === null) return false;
  const gap = standInGapMs(input.frameP95Ms);
  if (input.now - input.lastFrameAt < gap) return false;
  const replaced = input.restartedAt !== null && input.restartedAt >= input.lastFrameAt;
  const silent = input.now - input.lastHeardAt >= gap;
  if (!replaced && !silent) return false;
  return input.lastStandInAt === null || input.now - input.lastStandInAt >= STAND_IN_INTERVAL_MS;
}
