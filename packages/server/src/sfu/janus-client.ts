import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import WebSocket from 'ws';
import type { Logger } from '../logger.js';
import { JanusMessage } from './janus-schemas.js';

export class JanusError extends Error {
  constructor(
    message: string,
    readonly code?: number,
  ) {
    super(message);
    this.name = 'JanusError';
  }
}

interface Pending {
  resolve(message: JanusMessage): void;
  reject(error: Error): void;
  /** Async plugin requests get an `ack` first; the reply that settles them is the later `event`. */
  waitForEvent: boolean;
  timer: NodeJS.Timeout;
  /** How to undo this request on Janus if it succeeds after its deadline (attach, VideoRoom create). */
  undo: Undo | undefined;
}

/** What a request that timed out left on Janus if its reply comes later, and must be removed. */
type Undo = { kind: 'detach' } | { kind: 'destroyRoom'; handleId: number; room: number };

interface JanusClientEvents {
  /** The link to Janus is gone (WebSocket closed, session timed out, Janus stopped answering), with why. */
  closed: [reason: string];
  /** A message that answers no transaction (webrtcup, hangup, unsolicited plugin events), by handle. */
  handleEvent: [handleId: number, message: JanusMessage];
}

export interface JanusClientOptions {
  /** Every request (and the WebSocket handshake) fails after this long. */
  requestTimeoutMs: number;
  /** How often the session is kept alive: well under Janus's `session_timeout`. */
  keepaliveMs: number;
  /** How often the WebSocket is pinged; no pong for `pongTimeoutMs` means Janus stopped answering. */
  pingMs?: number;
  pongTimeoutMs?: number;
  /** This many requests in a row without an answer mean Janus stopped answering. */
  maxConsecutiveTimeouts?: number;
}

/** Timed-out requests whose late reply would still be cleaned up, at most (oldest forgotten first). */
export const MAX_LATE_REPLIES = 256;
/** A timed-out request's late reply is awaited (for clean-up) this long after its deadline. */
const LATE_REPLY_WINDOW_MS = 60_000;

/**
 * The server's only connection to Janus: one WebSocket, one Janus session, many plugin handles. It matches
 * replies to transactions, validates every message from Janus, keeps the session alive, gives every request a
 * deadline, undoes creations whose reply came too late, and reports the link lost (`closed`) when Janus stops
 * answering: failed keepalives, its `timeout` event, missing pongs or requests timing out in a row.
 */
export class JanusClient extends EventEmitter<JanusClientEvents> {
  private readonly pending = new Map<string, Pending>();
  /** Transactions that timed out, by id, with what to undo if they succeed late. Insertion-ordered. */
  private readonly late = new Map<string, { undo: Undo; expires: number }>();
  private sessionId: number | undefined;
  private keepalive: NodeJS.Timeout | undefined;
  private pinger: NodeJS.Timeout | undefined;
  private lastPong = Date.now();
  private consecutiveTimeouts = 0;
  private closed = false;
  private readonly options: Required<JanusClientOptions>;

  private constructor(
    private readonly ws: WebSocket,
    private readonly apiSecret: string,
    private readonly logger: Logger,
    options: JanusClientOptions,
  ) {
    super();
    const pingMs = options.pingMs ?? 1000;
    this.options = {
      ...options,
      pingMs,
      pongTimeoutMs: options.pongTimeoutMs ?? pingMs * 4,
      maxConsecutiveTimeouts: options.maxConsecutiveTimeouts ?? 3,
    };
    ws.on('message', (data) => this.onMessage(data.toString()));
    ws.on('close', () => this.onClose('janus websocket closed'));
    ws.on('error', (error) => logger.warn({ err: error }, 'janus websocket error'));
    ws.on('pong', () => {
      this.lastPong = Date.now();
    });
  }

  static async connect(
    url: string,
    apiSecret: string,
    logger: Logger,
    options: JanusClientOptions,
  ): Promise<JanusClient> {
    const ws = new WebSocket(url, 'janus-protocol', { handshakeTimeout: options.requestTimeoutMs });
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => {
        ws.off('error', reject);
        resolve();
      });
      // `on`, not `once`: a second error with no listener would throw.
      ws.on('error', reject);
    });
    const client = new JanusClient(ws, apiSecret, logger.child({ name: 'janus-client' }), options);
    try {
      const created = await client.request({ janus: 'create' });
      client.sessionId = created.data?.id;
      if (client.sessionId === undefined) throw new JanusError('janus create returned no session id');
    } catch (error) {
      ws.terminate();
      client.onClose('session create failed');
      throw error;
    }
    client.keepalive = setInterval(() => client.keepAlive(), options.keepaliveMs);
    client.pinger = setInterval(() => client.ping(), client.options.pingMs);
    return client;
  }

  get isOpen(): boolean {
    return !this.closed;
  }

  /** Attaches a new VideoRoom handle and returns its id. */
  async attach(plugin: string): Promise<number> {
    const reply = await this.request({ janus: 'attach', plugin }, false, { kind: 'detach' });
    const id = reply.data?.id;
    if (id === undefined) throw new JanusError('attach returned no handle id');
    return id;
  }

  async detach(handleId: number): Promise<void> {
    await this.request({ janus: 'detach', handle_id: handleId });
  }

  /** A plugin request answered synchronously (`success`), e.g. VideoRoom create/destroy. */
  async pluginRequest(handleId: number, body: Record<string, unknown>): Promise<Record<string, unknown>> {
    // A VideoRoom create that answers after its deadline leaves a room nobody knows: destroy it then.
    const undo: Undo | undefined =
      body.request === 'create' && typeof body.room === 'number'
        ? { kind: 'destroyRoom', handleId, room: body.room }
        : undefined;
    const reply = await this.request({ janus: 'message', handle_id: handleId, body }, false, undo);
    return pluginData(reply);
  }

  /** A plugin request answered asynchronously (`ack`, then `event`), e.g. join/publish/start. */
  async pluginMessage(
    handleId: number,
    body: object,
    jsep?: { type: 'offer' | 'answer'; sdp: string },
  ): Promise<JanusMessage> {
    const reply = await this.request(
      { janus: 'message', handle_id: handleId, body, ...(jsep ? { jsep } : {}) },
      true,
    );
    pluginData(reply);
    return reply;
  }

  /**
   * Trickle ICE: one of the browser's candidates for this handle's PeerConnection, or `null` when it has
   * gathered them all (Janus's `{completed: true}`). Janus acknowledges at once.
   */
  async trickle(
    handleId: number,
    candidate: { candidate: string; sdpMid?: string | null; sdpMLineIndex?: number | null } | null,
  ): Promise<void> {
    await this.request({
      janus: 'trickle',
      handle_id: handleId,
      candidate: candidate ?? { completed: true },
    });
  }

  private keepAlive(): void {
    this.request({ janus: 'keepalive' }).catch((error: unknown) => {
      if (this.closed) return;
      this.logger.warn({ err: error }, 'janus keepalive failed');
      this.lose(`keepalive failed: ${(error as Error).message}`);
    });
  }

  private ping(): void {
    if (this.closed) return;
    if (Date.now() - this.lastPong > this.options.pongTimeoutMs) {
      this.lose(`no pong from janus in ${this.options.pongTimeoutMs} ms`);
      return;
    }
    this.ws.ping();
  }

  private request(
    message: Record<string, unknown>,
    waitForEvent = false,
    undo?: Undo,
  ): Promise<JanusMessage> {
    if (this.closed) return Promise.reject(new JanusError('janus connection is closed'));
    const transaction = randomBytes(8).toString('hex');
    const full = {
      ...message,
      transaction,
      apisecret: this.apiSecret,
      ...(this.sessionId ? { session_id: this.sessionId } : {}),
    };
    const timeoutMs = this.options.requestTimeoutMs;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(transaction);
        if (undo) this.rememberLate(transaction, undo);
        reject(new JanusError(`janus did not answer ${String(message.janus)} in ${timeoutMs} ms`));
        if (++this.consecutiveTimeouts >= this.options.maxConsecutiveTimeouts) {
          this.lose(`${this.consecutiveTimeouts} janus requests in a row timed out`);
        }
      }, timeoutMs);
      this.pending.set(transaction, { resolve, reject, waitForEvent, timer, undo });
      this.ws.send(JSON.stringify(full));
    });
  }

  private rememberLate(transaction: string, undo: Undo): void {
    const now = Date.now();
    for (const [id, entry] of this.late) {
      if (entry.expires > now && this.late.size < MAX_LATE_REPLIES) break;
      this.late.delete(id);
    }
    this.late.set(transaction, { undo, expires: now + LATE_REPLY_WINDOW_MS });
  }

  /** Number of timed-out requests whose late success would still be undone (for tests and metrics). */
  get lateRepliesAwaited(): number {
    return this.late.size;
  }

  /** A reply to a request that already timed out: undo what it created, so nothing leaks on Janus. */
  private onLateReply(transaction: string, message: JanusMessage): void {
    const entry = this.late.get(transaction);
    if (!entry || message.janus === 'ack') return;
    this.late.delete(transaction);
    if (message.janus !== 'success') return;
    const { undo } = entry;
    if (undo.kind === 'detach' && message.data?.id !== undefined) {
      const handleId = message.data.id;
      this.logger.warn({ handleId }, 'janus attach answered after its deadline: detaching the handle');
      this.detach(handleId).catch((error: unknown) =>
        this.logger.warn({ err: error, handleId }, 'detaching a late handle failed'),
      );
    } else if (undo.kind === 'destroyRoom' && message.plugindata?.data.videoroom === 'created') {
      this.logger.warn({ room: undo.room }, 'janus room create answered after its deadline: destroying it');
      this.request({
        janus: 'message',
        handle_id: undo.handleId,
        body: { request: 'destroy', room: undo.room, permanent: false },
      }).catch((error: unknown) =>
        this.logger.warn({ err: error, room: undo.room }, 'destroying a late room failed'),
      );
    }
  }

  private onMessage(text: string): void {
    let parsed: JanusMessage;
    try {
      const result = JanusMessage.safeParse(JSON.parse(text));
      if (!result.success) throw result.error;
      parsed = result.data;
    } catch (error) {
      this.logger.error({ err: error, text: text.slice(0, 500) }, 'unparseable message from janus');
      return;
    }
    // Any message shows Janus is answering.
    this.consecutiveTimeouts = 0;
    if (parsed.janus === 'timeout' && parsed.session_id === this.sessionId) {
      this.lose('janus timed out our session');
      return;
    }
    const pending = parsed.transaction ? this.pending.get(parsed.transaction) : undefined;
    if (pending) {
      if (parsed.janus === 'ack' && pending.waitForEvent) return;
      this.pending.delete(parsed.transaction!);
      clearTimeout(pending.timer);
      if (parsed.janus === 'error') {
        pending.reject(new JanusError(parsed.error?.reason ?? 'janus error', parsed.error?.code));
      } else {
        pending.resolve(parsed);
      }
      return;
    }
    if (parsed.transaction && this.late.has(parsed.transaction)) {
      this.onLateReply(parsed.transaction, parsed);
      return;
    }
    if (parsed.sender !== undefined) this.emit('handleEvent', parsed.sender, parsed);
  }

  /** Janus stopped answering or dropped our session: give up on this connection. */
  private lose(reason: string): void {
    if (this.closed) return;
    this.logger.error({ reason }, 'janus link lost');
    this.ws.terminate();
    this.onClose(reason);
  }

  private onClose(reason: string): void {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.keepalive);
    clearInterval(this.pinger);
    for (const pending of this.pending.values()) {
      clearTimeout(pending.timer);
      pending.reject(new JanusError(`janus connection closed: ${reason}`));
    }
    this.pending.clear();
    this.late.clear();
    this.emit('closed', reason);
  }

  close(): void {
    if (this.closed) return;
    this.ws.close();
    this.onClose('closed by us');
  }
}

/** The plugin's own reply, or a JanusError if the plugin reported one. */
export function pluginData(reply: JanusMessage): Record<string, unknown> {
  const data = reply.plugindata?.data;
  if (!data) throw new JanusError(`janus reply without plugin data (${reply.janus})`);
  if (typeof data.error_code === 'number') {
    throw new JanusError(String(data.error ?? 'plugin error'), data.error_code);
  }
  return data;
}
