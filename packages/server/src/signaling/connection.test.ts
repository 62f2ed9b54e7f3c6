import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLOSE_CODES } from '@backdrop/protocol';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import type WebSocket from 'ws';
import { fakeRooms } from '../../test/fake-rooms.js';
import { FakeSocket } from '../../test/fake-socket.js';
import { until } from '../../test/until.js';
import type { RoomRegistry } from '../rooms/registry.js';
import { type ConnectionLimits, SignalingConnection } from './connection.js';

const LIMITS: ConnectionLimits = {
  messagesPerSecond: 5,
  badMessagesPerMinute: 10,
  sendBufferLimitBytes: 1000,
};

function open(limits: ConnectionLimits = LIMITS, registry = {} as RoomRegistry): FakeSocket {
  const socket = new FakeSocket();
  new SignalingConnection(
    socket as unknown as WebSocket,
    registry,
    pino({ level: 'silent' }),
    '192.0.2.1',
    limits,
  );
  return socket;
}

describe('SignalingConnection frame path', () => {
  it('terminates a socket whose unsent data passes the limit after a send', async () => {
    const socket = open();
    socket.frame('{');
    expect(socket.terminated).toBe(false);
    socket.bufferedAmount = 1001;
    socket.frame('{');
    expect(socket.closeCode).toBe(CLOSE_CODES.slowConsumer);
    // Destroyed a moment after its close frame was queued (TERMINATE_FLUSH_MS), with no handshake awaited.
    await new Promise((r) => setTimeout(r, 100));
    expect(socket.terminated).toBe(true);
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

describe('SignalingConnection trickle', () => {
  const tick = () => new Promise((r) => setTimeout(r, 5));
  const CANDIDATE = { candidate: 'candidate:1 1 udp 1 192.0.2.9 5000 typ host', sdpMid: '0' };
  const trickle = (id: number) =>
    JSON.stringify({ type: 'trickle', id, target: 'publisher', candidate: CANDIDATE });

  function joinedSocket() {
    const { sfu, registry } = fakeRooms();
    return { sfu, socket: open({ ...LIMITS, messagesPerSecond: 100 }, registry) };
  }

  it('refuses trickle before join with invalid_state', () => {
    const socket = open();
    socket.frame(trickle(1));
    expect(socket.sent.at(-1)).toMatchObject({ type: 'error', code: 'invalid_state', replyTo: 1 });
  });

  it('takes a burst of candidates while a publish waits on the SFU, and sends them once it answers', async () => {
    const { sfu, socket } = joinedSocket();
    socket.frame(JSON.stringify({ type: 'join', room: 'r', name: 'Ann' }));
    await until(() => socket.sent.length > 1, 'join answered');
    expect(socket.sent.map((m) => m.type)).toEqual(['welcome', 'joined', 'roomState']);
    const publisher = sfu.publishers[0]!;
    let answer = () => {};
    publisher.publishGate = new Promise<void>((resolve) => {
      answer = resolve;
    });
    const sdp = readFileSync(join(import.meta.dirname, 'fixtures', 'chromium-offer.sdp'), 'utf8');
    socket.frame(JSON.stringify({ type: 'publish', id: 'p', sdp }));
    // More candidates than the queue of requests in flight holds (16): none waits behind the publish.
    for (let i = 0; i < 20; i++) socket.frame(trickle(i));
    await tick();
    expect(socket.errorCodes()).toEqual([]);
    expect(publisher.trickled).toEqual([]);
    answer();
    await tick();
    expect(publisher.trickled).toHaveLength(20);
  });
});
