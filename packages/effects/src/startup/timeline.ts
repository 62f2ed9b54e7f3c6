/**
 * The start-up path of one effect, phase by phase, on the epoch clock (`performance.timeOrigin +
 * performance.now()`), so marks made in the worker and on the page line up. Pure: no DOM, no timers.
 */
export const STARTUP_PHASES = [
  /** The page created the effect (worker about to start). */
  'created',
  /** The worker's script ran and got its init message. */
  'workerStarted',
  /** The runtime's wasm and the model are in memory (or came from the page's copy). */
  'fetched',
  /** The wasm is compiled and instantiated. */
  'compiled',
  /** The model is loaded into the runtime (first inference done). */
  'modelReady',
  /** The compositing back end (and delegate) are chosen: measured, cached, or known from a software GL. */
  'calibrated',
  /** The first frame with the effect applied (a real mask, not the privacy frame) left the engine. */
  'firstFrame',
] as const;
export type StartupPhase = (typeof STARTUP_PHASES)[number];

/** Where each start-up input came from: the network, the browser's cache, the page's in-memory copy, ... */
export type AssetSource = 'network' | 'http-cache' | 'page' | 'unknown';
export type DecisionSource = 'option' | 'cache' | 'software-gl' | 'measured' | 'none';

export interface StartupReport {
  /** Epoch ms of each phase reached so far. */
  at: Partial<Record<StartupPhase, number>>;
  /** ms from the previous phase reached to this one (what each phase cost). */
  phaseMs: Partial<Record<StartupPhase, number>>;
  /** ms from `created` to the last phase reached. */
  totalMs: number | null;
  runtime: 'tflite' | 'mediapipe' | null;
  wasm: AssetSource;
  model: AssetSource;
  decisions: DecisionSource;
  /** The WebGL renderer string, when the engine looked at it (e.g. "SwiftShader"). */
  glRenderer: string | null;
}

export class StartupTimeline {
  private readonly at: Partial<Record<StartupPhase, number>> = {};
  runtime: StartupReport['runtime'] = null;
  wasm: AssetSource = 'unknown';
  model: AssetSource = 'unknown';
  decisions: DecisionSource = 'none';
  glRenderer: string | null = null;

  constructor(private readonly now: () => number) {}

  /** Records `phase` at `atMs` (default now). A phase is recorded once; later marks are ignored. */
  mark(phase: StartupPhase, atMs: number = this.now()): void {
    if (this.at[phase] === undefined) this.at[phase] = atMs;
  }

  has(phase: StartupPhase): boolean {
    return this.at[phase] !== undefined;
  }

  report(): StartupReport {
    const phaseMs: Partial<Record<StartupPhase, number>> = {};
    let previous: number | undefined;
    let last: number | undefined;
    for (const phase of STARTUP_PHASES) {
      const t = this.at[phase];
      if (t === undefined) continue;
      if (previous !== undefined) phaseMs[phase] = t - previous;
      previous = t;
      last = t;
    }
    const created = this.at.created;
    return {
      at: { ...this.at },
      phaseMs,
      totalMs: created !== undefined && last !== undefined ? last - created : null,
      runtime: this.runtime,
      wasm: this.wasm,
      model: this.model,
      decisions: this.decisions,
      glRenderer: this.glRenderer,
    };
  }
}

/** The epoch clock shared by the page and its workers. */
export function epochNow(): number {
  return performance.timeOrigin + performance.now();
}
