import { type ListenerErrorLog, TypedEmitter } from '@backdrop/events';
import { type ClientMessage, ServerMessage, type ServerMessageOf } from '@backdrop/protocol';
import { BackdropError } from './errors.js';

type Outgoing = ClientMessage extends infer M ? (M extends ClientMessage ? Omit<M, 'id'> : never) : never;

interface SignalingEvents {
  message: (message: ServerMessage) => void;
  closed: (code: number, reason: string) => void;
}

const REQUEST_TIMEOUT_MS = 20_000;

/** A server message checked against the protocol schema, or undefined (not JSON, or not a known message). */
function parseServerMessage(data: unknown): ServerMessage | undefined {
  try {
    const parsed = ServerMessage.safeParse(JSON.parse(String(data)));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The browser's end of the signalling WebSocket: request/reply over `id`/`replyTo`, every server message
 * validated with the protocol schema.
 */
export class SignalingChannel extends TypedEmitter<SignalingEvents> {
  private nextId = 1;
  private readonly waiting = new Map<number, { resolve(m: ServerMessage): void; reject(e: Error): void }>();
  private isClosed = false;

  private constructor(
    private readonly ws: WebSocket,
    log: ListenerErrorLog | undefined,
  ) {
    super({ name: 'client.signaling', ...(log && { log }) });
    ws.addEventListener('message', (event) => this.onMessage(event.data));
    ws.addEventListener('close', (event) => this.onClose(event.code, event.reason));
  }

  /**
   * Connects and waits for the server's first message. A server that refuses the connection (too many from
   * this address, shutting down) answers with an `error` or closes the socket: either rejects with the
   * server's code or the close code on the error.
   */
  static open(url: string, log?: ListenerErrorLog): Promise<SignalingChannel> {
    return new Promise((resolve, reject) => {
      let ws: WebSocket;
      try {
        ws = new WebSocket(url);
      } catch (error) {
        reject(new BackdropError('connection_failed', `bad signalling URL ${url}`, { cause: error }));
        return;
      }
      // A failed handshake fires `error` then `close` (1006); a refusal after the handshake only `close`.
      const onClose = (event: CloseEvent) =>
        reject(
          new BackdropError(
            'connection_failed',
            event.code === 1006
              ? 'could not reach the Backdrop server'
              : `the Backdrop server closed the connection (${event.code} ${event.reason})`,
            { closeCode: event.code },
          ),
        );
      ws.addEventListener('close', onClose, { once: true });
      ws.addEventListener(
        'message',
        (event) => {
          ws.removeEventListener('close', onClose);
          const first = parseServerMessage(event.data);
          if (first?.type === 'error') {
            reject(BackdropError.fromServer(first));
            ws.close(1000, 'refused');
            return;
          }
          resolve(new SignalingChannel(ws, log));
        },
        { once: true },
      );
    });
  }

  send(message: Outgoing): void {
    if (this.isClosed) throw new BackdropError('connection_lost', 'signalling connection is closed');
    this.ws.send(JSON.stringify(message));
  }

  /** Sends a message and waits for the reply of the expected type (or an error reply). */
  request<T extends ServerMessage['type']>(message: Outgoing, replyType: T): Promise<ServerMessageOf<T>> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(id);
        reject(new BackdropError('timeout', `no reply to ${message.type} in ${REQUEST_TIMEOUT_MS / 1000} s`));
      }, REQUEST_TIMEOUT_MS);
      this.waiting.set(id, {
        resolve: (reply) => {
          clearTimeout(timer);
          if (reply.type === 'error') {
            reject(BackdropError.fromServer(reply));
          } else if (reply.type !== replyType) {
            reject(new BackdropError('protocol_error', `expected ${replyType}, got ${reply.type}`));
          } else {
            resolve(reply as ServerMessageOf<T>);
          }
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      });
      try {
        this.ws.send(JSON.stringify({ ...message, id }));
      } catch (error) {
        this.waiting.delete(id);
        clearTimeout(timer);
        reject(new BackdropError('connection_lost', 'signalling connection is closed', { cause: error }));
      }
    });
  }

  private onMessage(data: unknown): void {
    const message = parseServerMessage(data);
    if (!message) return;
    const replyTo = 'replyTo' in message ? message.replyTo : undefined;
    const waiter = typeof replyTo === 'number' ? this.waiting.get(replyTo) : undefined;
    if (waiter && typeof replyTo === 'number') {
      this.waiting.delete(replyTo);
      waiter.resolve(message);
      return;
    }
    this.emit('message', message);
  }

  private onClose(code: number, reason: string): void {
    if (this.isClosed) return;
    this.isClosed = true;
    for (const waiter of this.waiting.values())
      waiter.reject(
        new BackdropError('connection_lost', `signalling connection closed (${code} ${reason})`, {
          closeCode: code,
        }),
      );
    this.waiting.clear();
    this.emit('closed', code, reason);
  }

  close(): void {
    if (this.isClosed) return;
    this.ws.close(1000, 'bye');
    this.onClose(1000, 'bye');
  }
}
