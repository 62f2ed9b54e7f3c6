import { EventEmitter } from 'node:events';
import type { Logger } from '../logger.js';
import { JanusClient, type JanusClientOptions } from './janus-client.js';
import type { JanusEndpoint, JanusProcess } from './janus-process.js';

/** Whether Janus is usable now, and if not, why. */
export type JanusHealth = { state: 'up' } | { state: 'down'; reason: string; since: number };

interface JanusLinkEvents {
  /** A new session with Janus: build the SFU on this client (with the endpoint's admin key). */
  up: [JanusClient, JanusEndpoint];
  /** The session is gone (every room and handle on it too), with why. Recovery has started. */
  down: [reason: string];
}

/** Delay before reconnect attempt `attempt` (0-based) to an external Janus: 1 s doubling, capped. */
export function reconnectDelayMs(attempt: number, capMs = 30_000): number {
  return Math.min(capMs, 1000 * 2 ** Math.min(attempt, 30));
}

export interface JanusLinkOptions {
  /** Our own Janus, restarted when it stops answering; undefined for an external one (`--janus-url`). */
  process: JanusProcess | undefined;
  /** Where the external Janus is (unused with our own Janus, whose endpoint changes on each start). */
  external: JanusEndpoint | undefined;
  client: JanusClientOptions;
  logger: Logger;
}

/**
 * Keeps one live session with Janus and tells the truth about it. When the client reports the link lost, the
 * link is down: with our own Janus it reconnects once, and if that fails kills Janus so that JanusProcess
 * restarts it (and the `ready` that follows reconnects); with an external Janus it retries with capped
 * back-off, forever.
 */
export class JanusLink extends EventEmitter<JanusLinkEvents> {
  private client: JanusClient | undefined;
  private status: JanusHealth = { state: 'down', reason: 'not connected yet', since: Date.now() };
  private stopped = false;
  /** True during `start()`, which connects itself: the first `ready` is not a restart. */
  private starting = false;
  private retry: NodeJS.Timeout | undefined;

  constructor(private readonly options: JanusLinkOptions) {
    super();
    options.process?.on('ready', (endpoint) => {
      if (this.stopped || this.starting || this.client) return;
      const pid = options.process?.pid;
      this.connect(endpoint).catch((error: unknown) => {
        options.logger.error({ err: error }, 'could not connect to restarted janus');
        if (pid !== undefined) options.process?.kill(pid, 'accepts no session');
      });
    });
  }

  get health(): JanusHealth {
    return this.status;
  }

  /** Connects for the first time; throws if Janus cannot be reached (the server does not start then). */
  async start(): Promise<void> {
    this.starting = true;
    try {
      const endpoint = this.options.process ? await this.options.process.start() : this.options.external!;
      await this.connect(endpoint);
    } finally {
      this.starting = false;
    }
  }

  private async connect(endpoint: JanusEndpoint): Promise<void> {
    const client = await JanusClient.connect(
      endpoint.url,
      endpoint.apiSecret,
      this.options.logger,
      this.options.client,
    );
    if (this.stopped || this.client) {
      client.close();
      return;
    }
    this.client = client;
    client.once('closed', (reason) => this.onLost(client, reason));
    this.status = { state: 'up' };
    this.options.logger.info({ url: endpoint.url }, 'janus session up');
    this.emit('up', client, endpoint);
  }

  private onLost(client: JanusClient, reason: string): void {
    if (this.client !== client || this.stopped) return;
    this.client = undefined;
    this.status = { state: 'down', reason, since: Date.now() };
    this.options.logger.error({ reason }, 'janus is down');
    this.emit('down', reason);
    const own = this.options.process;
    if (own) {
      // The same Janus may still be fine (a dropped WebSocket): try it once before restarting it.
      const pid = own.pid;
      const endpoint = own.endpoint;
      if (pid === undefined || !endpoint) return; // It died: JanusProcess restarts it and emits `ready`.
      this.connect(endpoint).catch((error: unknown) => {
        this.options.logger.warn({ err: error }, 'janus did not answer a reconnect');
        own.kill(pid, 'is not answering');
      });
    } else {
      this.reconnectExternal(0);
    }
  }

  private reconnectExternal(attempt: number): void {
    const delay = reconnectDelayMs(attempt);
    this.retry = setTimeout(() => {
      if (this.stopped || this.client) return;
      this.connect(this.options.external!).catch((error: unknown) => {
        this.options.logger.warn(
          { err: error, attempt, nextInMs: reconnectDelayMs(attempt + 1) },
          'janus reconnect failed',
        );
        this.reconnectExternal(attempt + 1);
      });
    }, delay);
    this.retry.unref();
  }

  /** Ends the session and stops our Janus. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retry);
    this.client?.close();
    this.client = undefined;
    await this.options.process?.stop();
  }
}
