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
}

interface JanusClientEvents {
  /** The WebSocket to Janus closed; every session and handle on it is gone. */
  closed: [];
  /** A message that answers no transaction (webrtcup, hangup, unsolicited plugin events), by handle. */
  handleEvent: [handleId: number, message: JanusMessage];
}

const REQUEST_TIMEOUT_MS = 10_000;
const KEEPALIVE_MS = 25_000;

/**
 * The server's only connection to Janus: one WebSocket, one Janus session, many plugin handles. It matches
 * replies to transactions, validates every message from Janus, and keeps the session alive.
 */
export class JanusClient extends EventEmitter<JanusClientEvents> {
  private readonly pending = new Map<string, Pending>();
  private sessionId: number | undefined;
  private keepalive: NodeJS.Timeout | undefined;
  private closed = false;

  private constructor(
    private readonly ws: WebSocket,
    private readonly apiSecret: string,
    private readonly logger: Logger,
  ) {
    super();
    ws.on('message', (data) => this.onMessage(data.toString()));
    ws.on('close', () => this.onClose());
    ws.on('error', (error) => logger.warn({ err: error }, 'janus websocket error'));
  }

  static async connect(url: string, apiSecret: string, logger: Logger): Promise<JanusClient> {
    const ws = new WebSocket(url, 'janus-protocol');
    await new Promise<void>((resolve, reject) => {
      ws.once('open', resolve);
      ws.once('error', reject);
    });
    const client = new JanusClient(ws, apiSecret, logger.child({ name: 'janus-client' }));
    const created = await client.request({ janus: 'create' });
    client.sessionId = created.data?.id;
    if (client.sessionId === undefined) throw new JanusError('janus create returned no session id');
    client.keepalive = setInterval(() => {
      client.request({ janus: 'keepalive' }).catch((error: unknown) => {
        client.logger.warn({ err: error }, 'janus keepalive failed');
      });
    }, KEEPALIVE_MS);
    return client;
  }

  get isOpen(): boolean {
    return !this.closed;
  }

  /** Attaches a new VideoRoom handle and returns its id. */
  async attach(plugin: string): Promise<number> {
    const reply = await this.request({ janus: 'attach', plugin });
    const id = reply.data?.id;
    if (id === undefined) throw new JanusError('attach returned no handle id');
    return id;
  }

  async detach(handleId: number): Promise<void> {
    await this.request({ janus: 'detach', handle_id: handleId });
  }

  /** A plugin request answered synchronously (`success`), e.g. VideoRoom create/destroy. */
  async pluginRequest(handleId: number, body: object): Promise<Record<string, unknown>> {
    const reply = await this.request({ janus: 'message', handle_id: handleId, body });
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

  private request(message: Record<string, unknown>, waitForEvent = false): Promise<JanusMessage> {
    if (this.closed) return Promise.reject(new JanusError('janus connection is closed'));
    const transaction = randomBytes(8).toString('hex');
    const full = {
      ...message,
      transaction,
      apisecret: this.apiSecret,
      ...(this.sessionId ? { session_id: this.sessionId } : {}),
    };
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(transaction);
        reject(new JanusError(`janus did not answer ${String(message.janus)} in ${REQUEST_TIMEOUT_MS} ms`));
      }, REQUEST_TIMEOUT_MS);
      this.pending.set(transaction, { resolve, reject, waitForEvent, timer });
      this.ws.send(JSON.stringify(full));
    });
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
    if (parsed.sender !== undefined) this.emit('handleEvent', parsed.sender, parsed);
  }

  private onClose(): void {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.keepalive);
    for (const pending of this.pending.values()) {
      clearTimeout(pending.timer);
      pending.reject(new JanusError('janus connection closed'));
    }
    this.pending.clear();
    this.emit('closed');
  }

  close(): void {
    if (this.closed) return;
    this.ws.close();
    this.onClose();
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
