import { backoffDelay } from './recovery.js';
import type { Clock, PeerConnection } from './transport.js';

export interface IceWatchdogOptions {
  pc: PeerConnection;
  clock: Clock;
  random: () => number;
  /** `disconnected` this long gets a restart; `failed` gets one at once. */
  graceMs: number;
  /** While the connection stays down after a restart, the next one waits this (the last step repeats). */
  retryDelaysMs: readonly number[];
  jitter: number;
  /** One ICE restart round of this PeerConnection; resolves when it is done (or was not possible now). */
  restart(): Promise<void>;
  /** A restart round that failed (the watchdog goes on). */
  onError(error: unknown): void;
}

type Health = 'up' | 'down' | 'failed' | 'pending';

/** How a PeerConnection's ICE and DTLS states read for recovery. `new`/`checking` are neither up nor down. */
function health(pc: PeerConnection): Health {
  const states = [pc.iceConnectionState, pc.connectionState] as string[];
  if (states.includes('failed')) return 'failed';
  if (states.includes('disconnected')) return 'down';
  if (states.includes('closed')) return 'pending';
  if (pc.iceConnectionState === 'connected' || pc.iceConnectionState === 'completed') return 'up';
  return 'pending';
}

/**
 * Watches one PeerConnection and restarts its ICE when its path is gone: `disconnected` for `graceMs` (a
 * short loss of a few packets heals by itself) or `failed`. At most one restart is in flight; while the
 * connection stays down, restarts are retried with back-off. `restartNow` (a network change, a resume) asks
 * for one whatever the state.
 */
export class IceWatchdog {
  private graceTimer: unknown;
  private retryTimer: unknown;
  private inFlight = false;
  /** A restart was asked for while one was in flight: run another once it ends. */
  private again = false;
  private attempt = 0;
  private closed = false;
  private readonly check = () => this.onStateChange();

  constructor(private readonly options: IceWatchdogOptions) {
    options.pc.addEventListener('iceconnectionstatechange', this.check);
    options.pc.addEventListener('connectionstatechange', this.check);
  }

  restartNow(): void {
    if (this.closed) return;
    this.clearTimers();
    this.run(true);
  }

  /** Idempotent; the PeerConnection's owner closes it. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.clearTimers();
    this.options.pc.removeEventListener('iceconnectionstatechange', this.check);
    this.options.pc.removeEventListener('connectionstatechange', this.check);
  }

  private onStateChange(): void {
    if (this.closed) return;
    const now = health(this.options.pc);
    if (now === 'up') {
      this.attempt = 0;
      this.clearTimers();
    } else if (now === 'failed') {
      // One restart at a time, and a retry keeps its back-off step; only the grace period is cut short.
      if (this.inFlight || this.retryTimer !== undefined) return;
      this.clearTimers();
      this.run();
    } else if (
      now === 'down' &&
      !this.inFlight &&
      this.graceTimer === undefined &&
      this.retryTimer === undefined
    ) {
      this.graceTimer = this.options.clock.setTimeout(() => {
        this.graceTimer = undefined;
        this.run();
      }, this.options.graceMs);
    }
  }

  /** `force`: a restart asked for from outside, run after the one in flight if there is one. */
  private run(force = false): void {
    if (this.inFlight) {
      if (force) this.again = true;
      return;
    }
    this.inFlight = true;
    this.options
      .restart()
      .catch((error: unknown) => this.options.onError(error))
      .finally(() => {
        this.inFlight = false;
        if (this.closed) return;
        if (this.again) {
          this.again = false;
          this.run();
          return;
        }
        this.scheduleRetry();
      });
  }

  /** Checks again after a back-off step: still down (or failed) means another restart. */
  private scheduleRetry(): void {
    const { clock, retryDelaysMs, jitter, random } = this.options;
    const delay = backoffDelay(retryDelaysMs, this.attempt++, jitter, random);
    this.retryTimer = clock.setTimeout(() => {
      this.retryTimer = undefined;
      const now = health(this.options.pc);
      if (now === 'down' || now === 'failed') this.run();
      else if (now === 'up') this.attempt = 0;
    }, delay);
  }

  private clearTimers(): void {
    this.options.clock.clearTimeout(this.graceTimer);
    this.options.clock.clearTimeout(this.retryTimer);
    this.graceTimer = undefined;
    this.retryTimer = undefined;
  }
}
