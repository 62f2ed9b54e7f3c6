import { EventEmitter } from 'node:events';
import type { ServerMessage } from '@backdrop/protocol';

/** The WebSocket boundary of a SignalingConnection: records what is sent and how it was closed. */
export class FakeSocket extends EventEmitter {
  readonly OPEN = 1;
  readyState = 1;
  bufferedAmount = 0;
  readonly sent: ServerMessage[] = [];
  closeCode: number | undefined;
  terminated = false;
  send(data: string): void {
    this.sent.push(JSON.parse(data) as ServerMessage);
  }
  close(code: number): void {
    this.closeCode = code;
    this.readyState = 2;
  }
  terminate(): void {
    this.terminated = true;
    this.readyState = 3;
  }
  frame(text: string | Buffer, isBinary = false): void {
    this.emit('message', Buffer.from(text), isBinary);
  }
  /** Sends one client message as JSON. */
  message(message: object): void {
    this.frame(JSON.stringify(message));
  }
  /** The peer went away without a close frame (network loss): ws reports a close with no code of ours. */
  lose(): void {
    this.readyState = 3;
    this.emit('close', 1006, Buffer.alloc(0));
  }
  errorCodes(): string[] {
    return this.sent.flatMap((m) => (m.type === 'error' ? [m.code] : []));
  }
  /** Messages of one type, in order. */
  ofType<T extends ServerMessage['type']>(type: T): Extract<ServerMessage, { type: T }>[] {
    return this.sent.filter((m): m is Extract<ServerMessage, { type: T }> => m.type === type);
  }
}
