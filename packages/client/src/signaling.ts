import { type ListenerErrorLog, TypedEmitter } from '@backdrop/events';
import { type ClientMessage, ServerMessage, type ServerMessageOf } from '@backdrop/protocol';
import { BackdropError } from './errors.js';
import { RedirectedError } from './redirects.js';
import type { Clock, SignalingSocket, SocketFactory, SocketHandlers } from './transport.js';

type Outgoing = ClientMessage extends infer M ? (M extends ClientMessage ? Omit<M, 'id'> : never) : never;

interface SignalingEvents {
  message: (message: ServerMessage) => void;
  closed: (code: number, reason: string) => void;
  /** Any frame from the server (for the heartbeat), before it is parsed. */
  activity: () => void;
}

const REQUEST_TIMEOUT_MS = 20_000;

/** A server message checked against the protocol schema, or undefined (not JSON, or not a known message). */
function parseServerMessage(data: string): ServerMessage | undefined {
  try {
    const parsed = ServerMessage.safeParse(JSON.parse(data));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

export interface SignalingOpenOptions {
  createSocket: SocketFactory;
  /** Times each request's wait for its reply. */
  clock: Clock;
  log?: ListenerErrorLog | undefined;
  /** Aborting closes the socket and rejects, if the server has not welcomed us yet. */
  signal?: AbortSignal | undefined;
}

/**
 * The browser's end of the signalling WebSocket: request/reply over `id`/`replyTo`, every server message
 * validated with the protocol schema.
 */
export class SignalingChannel extends TypedEmitter<SignalingEvents> {
  private nextId = 1;
  private readonly waiting = new Map<
    number,
    { resolve(m: ServerMessage): void; reject(e: Error): void; progress?(m: ServerMessage): void }
  >();
  private isClosed = false;
  private socket!: SignalingSocket;

  private constructor(
    private readonly clock: Clock,
    log: ListenerErrorLog | undefined,
  ) {
    super({ name: 'client.signaling', ...(log && { log }) });
  }

  /**
   * Connects and waits for the server's first message. A server that refuses the connection (too many from
   * this address, shutting down) answers with an `error` or closes the socket: either rejects with the
   * server's code or the close code on the error.
   */
  static open(url: string, options: SignalingOpenOptions): Promise<SignalingChannel> {
    return new Promise((resolve, reject) => {
      const channel = new SignalingChannel(options.clock, options.log);
      let welcomed = false;
      const { signal } = options;
      const onAbort = () => {
        channel.socket.close(1000, 'gave up');
        reject(
          new BackdropError('timeout', 'gave up connecting to the Backdrop server', {
            cause: signal?.reason,
          }),
        );
      };
      const handlers: SocketHandlers = {
        onMessage: (data) => {
          if (welcomed) {
            channel.onMessage(data);
            return;
          }
          welcomed = true;
          signal?.removeEventListener('abort', onAbort);
          const first = parseServerMessage(data);
          if (first?.type === 'error') {
            channel.isClosed = true;
            reject(BackdropError.fromServer(first));
            channel.socket.close(1000, 'refused');
            return;
          }
          channel.emit('activity');
          resolve(channel);
        },
        onClose: (code, reason) => {
          if (welcomed) {
            channel.onClose(code, reason);
            return;
          }
          signal?.removeEventListener('abort', onAbort);
          // A failed handshake closes with 1006; a refusal after the handshake with the server's code.
          reject(
            new BackdropError(
              'connection_failed',
              code === 1006
                ? 'could not reach the Backdrop server'
                : `the Backdrop server closed the connection (${code} ${reason})`,
              { closeCode: code },
            ),
          );
        },
      };
      if (signal?.aborted) {
        reject(new BackdropError('timeout', 'gave up connecting to the Backdrop server'));
        return;
      }
      try {
        channel.socket = options.createSocket(url, handlers);
      } catch (error) {
        reject(new BackdropError('connection_failed', `bad signalling URL ${url}`, { cause: error }));
        return;
      }
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  get closed(): boolean {
    return this.isClosed;
  }

  send(message: Outgoing): void {
    if (this.isClosed) throw new BackdropError('connection_lost', 'signalling connection is closed');
    this.socket.send(JSON.stringify(message));
  }

  /** Sends a message and waits for the reply of the expected type (or an error reply). */
  request<T extends ServerMessage['type']>(message: Outgoing, replyType: T): Promise<ServerMessageOf<T>> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      if (this.isClosed) {
        reject(new BackdropError('connection_lost', 'signalling connection is closed'));
        return;
      }
      const expire = (ms: number) =>
        this.clock.setTimeout(() => {
          this.waiting.delete(id);
          reject(new BackdropError('timeout', `no reply to ${message.type} in ${ms / 1000} s`));
        }, ms);
      let timer = expire(REQUEST_TIMEOUT_MS);
      this.waiting.set(id, {
        // A join held in a locked room's waiting room: its answer may take the server's whole wait.
        progress: (note) => {
          if (note.type !== 'waiting') return;
          this.clock.clearTimeout(timer);
          timer = expire(note.timeoutMs + REQUEST_TIMEOUT_MS);
        },
        resolve: (reply) => {
          this.clock.clearTimeout(timer);
          if (reply.type === 'error') {
            reject(BackdropError.fromServer(reply));
          } else if (reply.type === 'redirect') {
            reject(new RedirectedError(reply.node));
          } else if (reply.type !== replyType) {
            reject(new BackdropError('protocol_error', `expected ${replyType}, got ${reply.type}`));
          } else {
            resolve(reply as ServerMessageOf<T>);
          }
        },
        reject: (error) => {
          this.clock.clearTimeout(timer);
          reject(error);
        },
      });
      try {
        this.socket.send(JSON.stringify({ ...message, id }));
      } catch (error) {
        this.waiting.delete(id);
        this.clock.clearTimeout(timer);
        reject(new BackdropError('connection_lost', 'signalling connection is closed', { cause: error }));
      }
    });
  }

  /**
   * Sends a request whose success has no reply of its own (`restartSubscriberIce`: the answer is a later
   * `subscriberOffer`): `refused` rejects if the server answers with an error (or the socket closes) until
   * `done` is called. Nothing else waits or times out here.
   */
  sendWatched(message: Outgoing): { refused: Promise<never>; done(): void } {
    const id = this.nextId++;
    const refused = new Promise<never>((_, reject) => {
      this.waiting.set(id, {
        resolve: (reply) => {
          if (reply.type === 'error') reject(BackdropError.fromServer(reply));
        },
        reject,
      });
    });
    // Nobody may be listening once `done` is called.
    refused.catch(() => undefined);
    const done = () => this.waiting.delete(id);
    try {
      if (this.isClosed) throw new BackdropError('connection_lost', 'signalling connection is closed');
      this.socket.send(JSON.stringify({ ...message, id }));
    } catch (error) {
      this.waiting.get(id)?.reject(error as Error);
      done();
    }
    return { refused, done };
  }

  private onMessage(data: string): void {
    if (this.isClosed) return;
    // Anything at all, even a frame we cannot read, shows the socket is alive.
    this.emit('activity');
    const message = parseServerMessage(data);
    if (!message) return;
    const replyTo = 'replyTo' in message ? message.replyTo : undefined;
    const waiter = typeof replyTo === 'number' ? this.waiting.get(replyTo) : undefined;
    if (waiter && message.type === 'waiting') {
      // Not the answer yet: the request waits on, and the Room hears that it does.
      waiter.progress?.(message);
      this.emit('message', message);
      return;
    }
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

  /** Closes the socket; pending requests reject and `closed` is emitted (1000). Idempotent. */
  close(): void {
    if (this.isClosed) return;
    this.socket.close(1000, 'bye');
    this.onClose(1000, 'bye');
  }
}
