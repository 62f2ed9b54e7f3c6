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

/**
 * The steps inside the phases, in ms, where the time of a start goes (for the start benchmark; nothing decides
 * on them): the worker's thread and script, the model's parts, warm-up, and the first effected frame's stages.
 */
export const STARTUP_DETAILS = [
  /** `created` to the worker's global scope existing (its time origin): the page's and browser's part. */
  'workerThread',
  /** The worker's time origin to its script running: fetching and compiling the script. */
  'workerScript',
  /** The script running to its init message being handled (the rest of the module set-up, the message). */
  'workerInit',
  /** Making the engine from the init message (its compositor's tables, the wasm kernels compiled). */
  'engineInit',
  /**
   * Reading the WebGL renderer at the start (a GL context made and lost; absent when a cached decision made it
   * unneeded, or a spare worker read it before the start).
   */
  'readRenderer',
  /** Waiting for the runtime and model the page loads (0 when the page already held them). */
  'runtimeWait',
  /** The TFLite loader script (importScripts). */
  'loaderScript',
  /** Instantiating the compiled wasm module. */
  'instantiate',
  /** `_loadModel`: the model into the runtime (XNNPACK packs the weights). */
  'loadModel',
  /** The first inference, run at load so the first frame does not pay XNNPACK's set-up. */
  'firstInference',
  /** The warm-up frames' work while the model loaded (the worker's thread, shared with the load). */
  'warmUp',
  /** The model ready to the first effected frame's processing starting (waiting for a camera frame). */
  'frameWait',
  /** The first effected frame: model, mirrored model, refinement, composite. */
  'frameSegment',
  'frameMirror',
  'frameRefine',
  'frameComposite',
] as const;
export type StartupDetail = (typeof STARTUP_DETAILS)[number];

export interface StartupReport {
  /**
   * 'start': a worker started and loaded the model. 'resume': a suspended effect chose an effect again (no
   * start-up: `created` is the choice, then only `firstFrame`).
   */
  kind: 'start' | 'resume';
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
  /** ms of each step measured so far (see STARTUP_DETAILS). */
  detailMs: Partial<Record<StartupDetail, number>>;
}

export class StartupTimeline {
  private readonly at: Partial<Record<StartupPhase, number>> = {};
  private readonly details: Partial<Record<StartupDetail, number>> = {};
  runtime: StartupReport['runtime'] = null;
  wasm: AssetSource = 'unknown';
  model: AssetSource = 'unknown';
  decisions: DecisionSource = 'none';
  glRenderer: string | null = null;

  constructor(
    private readonly now: () => number,
    readonly kind: StartupReport['kind'] = 'start',
  ) {}

  /** Records `phase` at `atMs` (default now). A phase is recorded once; later marks are ignored. */
  mark(phase: StartupPhase, atMs: number = this.now()): void {
    if (this.at[phase] === undefined) this.at[phase] = atMs;
  }

  /** Adds `ms` to a step (a step measured in pieces, such as two warm-up frames, adds up). */
  detail(step: StartupDetail, ms: number): void {
    if (!Number.isFinite(ms)) return;
    this.details[step] = (this.details[step] ?? 0) + Math.max(0, ms);
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
      kind: this.kind,
      at: { ...this.at },
      phaseMs,
      totalMs: created !== undefined && last !== undefined ? last - created : null,
      runtime: this.runtime,
      wasm: this.wasm,
      model: this.model,
      decisions: this.decisions,
      glRenderer: this.glRenderer,
      detailMs: { ...this.details },
    };
  }
}

/** The epoch clock shared by the page and its workers. */
export function epochNow(): number {
  return performance.timeOrigin + performance.now();
}
