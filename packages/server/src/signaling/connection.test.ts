import { EventEmitter } from 'node:events';
import { CLOSE_CODES, type ServerMessage } from '@backdrop/protocol';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import type WebSocket from 'ws';
import type { RoomRegistry } from '../rooms/registry.js';
import { type ConnectionLimits, SignalingConnection } from './connection.js';

/** The WebSocket boundary, for the frame path only: records what is sent and how it was closed. */
class FakeSocket extends EventEmitter {
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
  errorCodes(): string[] {
    return this.sent.flatMap((m) => (m.type === 'error' ? [m.code] : []));
  }
}

const LIMITS: ConnectionLimits = {
  messagesPerSecond: 5,
  badMessagesPerMinute: 10,
  sendBufferLimitBytes: 1000,
};

function open(limits: ConnectionLimits = LIMITS): FakeSocket {
  const socket = new FakeSocket();
  new SignalingConnection(
    socket as unknown as WebSocket,
    {} as RoomRegistry,
    pino({ level: 'silent' }),
    '192.0.2.1',
    limits,
  );
  return socket;
}

describe('SignalingConnection frame path', () => {
  it('terminates a socket whose unsent data passes the limit after a send', () => {
    const socket = open();
    socket.frame('{');
    expect(socket.terminated).toBe(false);
    socket.bufferedAmount = 1001;
    socket.frame('{');
    expect(socket.terminated).toBe(true);
    expect(socket.closeCode).toBe(CLOSE_CODES.slowConsumer);
  });

  it('closes with tooManyBadMessages once past the allowance; binary frames count as bad', () => {
    const socket = open();
    for (let i = 0; i < 10; i++) socket.frame(Buffer.from([1, 2]), true);
    expect(socket.closeCode).toBeUndefined();
    socket.frame('not json');
    expect(socket.closeCode).toBe(CLOSE_CODES.tooManyBadMessages);
    expect(socket.errorCodes()).toEqual([...Array(10).fill('bad_message'), 'bad_json']);
    socket.frame('not json'); // ignored once closed
    expect(socket.errorCodes()).toHaveLength(11);
  });

  it('refuses a flood with a bounded number of rate_limited replies, then closes with rateLimited', () => {
    const socket = open({ ...LIMITS, badMessagesPerMinute: 1000 });
    for (let i = 0; i < 100; i++) socket.frame('{');
    const codes = socket.errorCodes();
    expect(codes.filter((c) => c === 'bad_json')).toHaveLength(20); // the burst: 4 x 5/s
    expect(codes.filter((c) => c === 'rate_limited')).toHaveLength(2);
    expect(socket.closeCode).toBe(CLOSE_CODES.rateLimited);
  });

  it('answers messages without SDP above 4 KiB with too_large', () => {
    const socket = open();
    socket.frame(JSON.stringify({ type: 'join', id: 1, room: 'r', name: 'x'.repeat(5000) }));
    expect(socket.errorCodes()).toEqual(['too_large']);
  });
});
