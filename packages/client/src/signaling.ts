import { type ClientMessage, ServerMessage, type ServerMessageOf } from '@backdrop/protocol';
import { TypedEmitter } from './emitter.js';
import { BackdropError } from './errors.js';

type Outgoing = ClientMessage extends infer M ? (M extends ClientMessage ? Omit<M, 'id'> : never) : never;

interface SignalingEvents {
  message: (message: ServerMessage) => void;
  closed: (code: number, reason: string) => void;
}

const REQUEST_TIMEOUT_MS = 20_000;

/**
 * The browser's end of the signalling WebSocket: request/reply over `id`/`replyTo`, every server message
 * validated with the protocol schema.
 */
export class SignalingChannel extends TypedEmitter<SignalingEvents> {
  private nextId = 1;
  private readonly waiting = new Map<number, { resolve(m: ServerMessage): void; reject(e: Error): void }>();
  private isClosed = false;

  private constructor(private readonly ws: WebSocket) {
    super();
    ws.addEventListener('message', (event) => this.onMessage(event.data));
    ws.addEventListener('close', (event) => this.onClose(event.code, event.reason));
  }

  static open(url: string): Promise<SignalingChannel> {
    return new Promise((resolve, reject) => {
      let ws: WebSocket;
      try {
        ws = new WebSocket(url);
      } catch (error) {
        reject(new BackdropError('connection_failed', `bad signalling URL ${url}`, { cause: error }));
        return;
      }
      const fail = () =>
        reject(new BackdropError('connection_failed', 'could not reach the Backdrop server'));
      ws.addEventListener('error', fail, { once: true });
      ws.addEventListener(
        'message',
        () => {
          ws.removeEventListener('error', fail);
          resolve(new SignalingChannel(ws));
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
            reject(new BackdropError('server_error', reply.message, { serverCode: reply.code }));
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
    let message: ServerMessage;
    try {
      const parsed = ServerMessage.safeParse(JSON.parse(String(data)));
      if (!parsed.success) return;
      message = parsed.data;
    } catch {
      return;
    }
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
      waiter.reject(new BackdropError('connection_lost', 'signalling connection closed'));
    this.waiting.clear();
    this.emit('closed', code, reason);
  }

  close(): void {
    if (this.isClosed) return;
    this.ws.close(1000, 'bye');
    this.onClose(1000, 'bye');
  }
}
