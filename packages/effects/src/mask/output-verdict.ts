/**
 * The budget rule and its verdict: the output keeps at least MIN_OUTPUT_SHARE of the camera's frame rate
 * (25 fps from a 30 fps camera), or the stats say why not, in words a user and a test can read. Pure.
 */

/** The budget rule: frames out per camera frame (25 of 30). */
export const MIN_OUTPUT_SHARE = 25 / 30;

/**
 * Why the output falls short:
 * - `cpu`: at the cheapest quality level a frame still costs more than the budget (this device is too slow);
 * - `adapting`: over budget (or just moved to a new level), and the controller is still stepping quality down;
 * - `overhead`: the effect fits its budget, but frames are lost outside it (a busy page or browser).
 */
export type DegradedReason = 'cpu' | 'adapting' | 'overhead';

export interface Degraded {
  reason: DegradedReason;
  /** The budget level in use, and the cheapest one there is. */
  level: number;
  lowestLevel: number;
  /** The level's picture scale (below 1: the output was made smaller to keep up). */
  frameScale: number;
  /** What a frame costs (EMA) and what it may cost (ms). */
  costMs: number;
  budgetMs: number;
  fpsOut: number;
  /** The least output rate the rule asks for (MIN_OUTPUT_SHARE of the camera's). */
  fpsTarget: number;
  /** One sentence: what is short, by how much, and why. */
  message: string;
}

export interface VerdictInput {
  /** Output frames per second (measured). */
  fpsOut: number;
  /** The camera's frame interval (ms): nominal, or measured from every camera frame. NaN when unknown. */
  cameraIntervalMs: number;
  level: number;
  lowestLevel: number;
  /** The level's picture scale (1: full size). */
  frameScale: number;
  costMs: number;
  budgetMs: number;
}

const r1 = (x: number) => (Number.isFinite(x) ? x.toFixed(1) : '?');

/** Null while the output keeps the rule (or before there is anything to judge); else the reason. */
export function outputVerdict(input: VerdictInput): Degraded | null {
  const { fpsOut, cameraIntervalMs, level, lowestLevel, frameScale, costMs, budgetMs } = input;
  if (!(cameraIntervalMs > 0) || !Number.isFinite(cameraIntervalMs)) return null;
  const fpsTarget = (1000 / cameraIntervalMs) * MIN_OUTPUT_SHARE;
  if (fpsOut >= fpsTarget) return null;
  // No cost estimate yet at this level: the controller just changed it.
  const reason: DegradedReason = !Number.isFinite(costMs)
    ? 'adapting'
    : costMs <= budgetMs
      ? 'overhead'
      : level >= lowestLevel
        ? 'cpu'
        : 'adapting';
  const short = `output ${r1(fpsOut)} fps < ${r1(fpsTarget)} fps`;
  const cost = `a frame costs ${r1(costMs)} ms against a ${r1(budgetMs)} ms budget`;
  const at = frameScale < 1 ? `${level}, at ${Math.round(frameScale * 100)}% size` : `${level}`;
  const why =
    reason === 'cpu'
      ? `at the cheapest quality level (${at}) ${cost}: this device is too slow for the effect at this size`
      : reason === 'adapting'
        ? `${cost} at quality level ${at}: lowering quality`
        : `${cost} at quality level ${at}, but frames are lost outside the effect (busy page or browser)`;
  return {
    reason,
    level,
    lowestLevel,
    frameScale,
    costMs,
    budgetMs,
    fpsOut,
    fpsTarget: Math.round(fpsTarget * 100) / 100,
    message: `${short}: ${why}`,
  };
}
