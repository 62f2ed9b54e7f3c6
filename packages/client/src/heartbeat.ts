import type { Clock } from './transport.js';

export interface HeartbeatOptions {
  clock: Clock;
  intervalMs: number;
  silenceTimeoutMs: number;
  /** Sends one `ping`. */
  ping(): void;
  /** Nothing was heard for `silenceTimeoutMs`; called once, then the heartbeat stops. */
  onSilent(): void;
}

/**
 * The client's side of the heartbeat on one socket: pings every `intervalMs` and calls the socket dead when
 * nothing of any kind (a pong or any other message) arrived for `silenceTimeoutMs`. A dead TCP connection (a
 * laptop that slept, a NAT that forgot us) never closes by itself; this is how we find out.
 */
export class Heartbeat {
  private pingTimer: unknown;
  private silenceTimer: unknown;
  private stopped = false;

  constructor(private readonly options: HeartbeatOptions) {
    this.schedulePing();
    this.heard();
  }

  /** Any message from the server: the socket is alive. */
  heard(): void {
    if (this.stopped) return;
    const { clock } = this.options;
    clock.clearTimeout(this.silenceTimer);
    this.silenceTimer = clock.setTimeout(() => {
      this.stop();
      this.options.onSilent();
    }, this.options.silenceTimeoutMs);
  }

  /** Idempotent. */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.options.clock.clearTimeout(this.pingTimer);
    this.options.clock.clearTimeout(this.silenceTimer);
  }

  private schedulePing(): void {
    this.pingTimer = this.options.clock.setTimeout(() => {
      if (this.stopped) return;
      this.options.ping();
      this.schedulePing();
    }, this.options.intervalMs);
  }
}
