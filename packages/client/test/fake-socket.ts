import type { SignalingSocket, SocketFactory, SocketHandlers } from '../src/transport.js';

/** A client message as the fake server sees it. */
export type Sent = { type: string; id?: number } & Record<string, unknown>;

/**
 * The server's end of one fake signalling socket: what the client sent (in order, parsed), and ways to answer
 * or to cut it. Everything is delivered in microtasks, as a socket would, never synchronously.
 */
export class FakeSocket implements SignalingSocket {
  readonly sent: Sent[] = [];
  /** Set once either side closed it. */
  closedWith: { code: number; reason: string; by: 'client' | 'server' } | undefined;
  /** While true the server hears nothing and says nothing (a dead TCP connection). */
  silent = false;
  private readonly waiters: { type: string; resolve(m: Sent): void }[] = [];
  private readonly unclaimed: Sent[] = [];

  constructor(
    readonly url: string,
    readonly openedAt: number,
    private readonly handlers: SocketHandlers,
  ) {}

  // The client's side (SignalingSocket).
  send(data: string): void {
    if (this.closedWith) throw new Error('socket closed');
    if (this.silent) return;
    const message = JSON.parse(data) as Sent;
    this.sent.push(message);
    const waiter = this.waiters.findIndex((w) => w.type === message.type);
    if (waiter >= 0) this.waiters.splice(waiter, 1)[0]!.resolve(message);
    else this.unclaimed.push(message);
  }

  close(code: number, reason: string): void {
    if (this.closedWith) return;
    this.closedWith = { code, reason, by: 'client' };
    queueMicrotask(() => this.handlers.onClose(code, reason));
  }

  // The server's side.
  /** The next message of `type` the client sends (or one it already sent and nobody claimed). */
  received(type: string): Promise<Sent> {
    const queued = this.unclaimed.findIndex((m) => m.type === type);
    if (queued >= 0) return Promise.resolve(this.unclaimed.splice(queued, 1)[0]!);
    return new Promise((resolve) => this.waiters.push({ type, resolve }));
  }

  sentOf(type: string): Sent[] {
    return this.sent.filter((m) => m.type === type);
  }

  deliver(message: Record<string, unknown>): void {
    if (this.closedWith || this.silent) return;
    const data = JSON.stringify(message);
    queueMicrotask(() => {
      if (!this.closedWith) this.handlers.onMessage(data);
    });
  }

  /** The server (or the network: 1006) closes it. */
  cut(code: number, reason = ''): void {
    if (this.closedWith) return;
    this.closedWith = { code, reason, by: 'server' };
    queueMicrotask(() => this.handlers.onClose(code, reason));
  }
}

/** Hands out fake sockets and runs `onConnection` for each, like a scripted server. */
export class FakeSignalingServer {
  readonly sockets: FakeSocket[] = [];
  onConnection: (socket: FakeSocket) => void = () => undefined;

  constructor(private readonly now: () => number) {}

  readonly createSocket: SocketFactory = (url, handlers) => {
    const socket = new FakeSocket(url, this.now(), handlers);
    this.sockets.push(socket);
    queueMicrotask(() => this.onConnection(socket));
    return socket;
  };

  get last(): FakeSocket {
    const socket = this.sockets.at(-1);
    if (!socket) throw new Error('no socket yet');
    return socket;
  }
}
