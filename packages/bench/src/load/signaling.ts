// The bot's signalling socket: our WebSocket protocol as a browser speaks it, every server message validated
// with the protocol's schema.
import { type ClientMessage, ServerMessage, type ServerMessageOf } from '@backdrop/protocol';
import WebSocket from 'ws';

type Listener = (message: ServerMessage) => void;

export class BotSignaling {
  private readonly listeners = new Set<Listener>();
  private nextId = 1;
  closed = false;
  /** Messages the server sent that did not parse (a protocol drift the bench must not hide). */
  invalid = 0;

  private constructor(private readonly socket: WebSocket) {
    socket.on('message', (data) => {
      let parsed: ReturnType<typeof ServerMessage.safeParse>;
      try {
        parsed = ServerMessage.safeParse(JSON.parse(String(data)));
      } catch {
        this.invalid++;
        return;
      }
      if (!parsed.success) {
        this.invalid++;
        return;
      }
      for (const listener of [...this.listeners]) listener(parsed.data);
    });
    socket.on('close', () => {
      this.closed = true;
    });
    socket.on('error', () => undefined); // a failure shows as `close`
  }

  static open(url: string, timeoutMs: number): Promise<BotSignaling> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(url);
      const timer = setTimeout(() => {
        socket.terminate();
        reject(new Error(`signalling socket did not open within ${timeoutMs} ms`));
      }, timeoutMs);
      socket.once('open', () => {
        clearTimeout(timer);
        resolve(new BotSignaling(socket));
      });
      socket.once('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
    });
  }

  on(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  send(message: ClientMessage): void {
    if (this.socket.readyState === WebSocket.OPEN) this.socket.send(JSON.stringify(message));
  }

  /** Sends `message` with a fresh id and waits for the reply of type `type` (or an error reply). */
  request<T extends ServerMessage['type']>(
    message: ClientMessage,
    type: T,
    timeoutMs: number,
  ): Promise<ServerMessageOf<T>> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        off();
        reject(new Error(`no ${type} within ${timeoutMs} ms`));
      }, timeoutMs);
      const off = this.on((reply) => {
        if (!('replyTo' in reply) || reply.replyTo !== id) return;
        clearTimeout(timer);
        off();
        if (reply.type === 'error') reject(new Error(`${reply.code}: ${reply.message}`));
        else if (reply.type === type) resolve(reply as ServerMessageOf<T>);
      });
      this.send({ ...message, id } as ClientMessage);
    });
  }

  close(): void {
    this.closed = true;
    this.listeners.clear();
    this.socket.terminate();
  }
}
