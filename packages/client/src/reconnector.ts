import { backoffDelay, type RecoverySettings } from './recovery.js';
import type { Clock } from './transport.js';

export interface ReconnectorOptions {
  clock: Clock;
  random: () => number;
  settings: Pick<RecoverySettings, 'reconnectDelaysMs' | 'jitter' | 'attemptTimeoutMs'>;
  /**
   * One attempt: open a socket and resume or join. Rejects when it failed; must give up (and undo what it
   * started) once `signal` aborts, which happens after `attemptTimeoutMs`.
   */
  attempt(signal: AbortSignal): Promise<void>;
  /** An attempt failed; the next follows after its back-off. */
  onAttemptFailed(error: unknown, attempt: number): void;
  /** The deadline passed without a successful attempt. */
  onGiveUp(): void;
}

/**
 * Runs reconnect attempts one after another, each after its back-off step, until one succeeds or the next
 * would start after the deadline. One run at a time; `stop` ends it (an attempt in flight is aborted).
 */
export class Reconnector {
  private timer: unknown;
  private running: AbortController | undefined;
  private deadline = 0;
  private attempts = 0;

  constructor(private readonly options: ReconnectorOptions) {}

  get active(): boolean {
    return this.running !== undefined;
  }

  /** Starts a run that gives up at `deadline` (clock time); a run already going is left as it is. */
  start(deadline: number): void {
    if (this.running) return;
    this.running = new AbortController();
    this.deadline = deadline;
    this.attempts = 0;
    this.scheduleNext(this.running);
  }

  /** Cuts the current back-off short (the network is back): the next attempt starts now. */
  retryNow(): void {
    const run = this.running;
    if (!run || this.timer === undefined) return;
    this.options.clock.clearTimeout(this.timer);
    this.timer = undefined;
    void this.runAttempt(run);
  }

  stop(): void {
    this.options.clock.clearTimeout(this.timer);
    this.timer = undefined;
    this.running?.abort();
    this.running = undefined;
  }

  private scheduleNext(run: AbortController): void {
    const { clock, random, settings } = this.options;
    const delay = backoffDelay(settings.reconnectDelaysMs, this.attempts, settings.jitter, random);
    if (clock.now() + delay >= this.deadline) {
      this.stop();
      this.options.onGiveUp();
      return;
    }
    this.timer = clock.setTimeout(() => {
      this.timer = undefined;
      void this.runAttempt(run);
    }, delay);
  }

  private async runAttempt(run: AbortController): Promise<void> {
    const { clock, settings } = this.options;
    const attempt = new AbortController();
    const stopAttempt = () => attempt.abort();
    run.signal.addEventListener('abort', stopAttempt);
    const timeout = clock.setTimeout(
      () => attempt.abort(new Error(`no answer in ${settings.attemptTimeoutMs} ms`)),
      settings.attemptTimeoutMs,
    );
    const number = this.attempts++;
    try {
      await Promise.race([this.options.attempt(attempt.signal), aborted(attempt.signal)]);
      if (this.running === run) {
        this.running = undefined;
      }
    } catch (error) {
      attempt.abort();
      if (this.running !== run) return;
      this.options.onAttemptFailed(error, number);
      this.scheduleNext(run);
    } finally {
      clock.clearTimeout(timeout);
      run.signal.removeEventListener('abort', stopAttempt);
    }
  }
}

/** Rejects when `signal` aborts. */
function aborted(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => {
    const fail = () => reject(signal.reason ?? new Error('aborted'));
    if (signal.aborted) fail();
    else signal.addEventListener('abort', fail, { once: true });
  });
}
