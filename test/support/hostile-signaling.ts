import { randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import type { ServerMessage } from '@backdrop/protocol';
import WebSocket from 'ws';
import { clientTextFrame } from './raw-ws.js';
import type { TestServer } from './server.js';

/** Where a test client comes from: an X-Forwarded-For value (trusted only with TRUST_PROXY) and/or a source IP. */
export interface Origin {
  forwardedFor?: string;
  /** A loopback source address other than 127.0.0.1 (e.g. 127.0.0.2): a distinct peer address. */
  localAddress?: string;
}

/** A scripted signalling client that records every message and how the socket closed. */
export class ScriptedClient {
  readonly received: ServerMessage[] = [];
  closeCode: number | undefined;
  readonly closed: Promise<number>;

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => this.received.push(JSON.parse(data.toString()) as ServerMessage));
    ws.on('error', () => undefined);
    this.closed = new Promise((resolve) =>
      ws.once('close', (code) => {
        this.closeCode = code;
        resolve(code);
      }),
    );
  }

  /** Opens a socket; resolves once it is open (it may still be refused right after). */
  static async open(url: string, origin: Origin = {}, options: WebSocket.ClientOptions = {}) {
    const ws = new WebSocket(url, {
      ...options,
      ...(origin.localAddress ? { localAddress: origin.localAddress } : {}),
      headers: origin.forwardedFor ? { 'x-forwarded-for': origin.forwardedFor } : {},
    });
    const client = new ScriptedClient(ws);
    await new Promise((resolve, reject) => {
      ws.once('open', resolve);
      ws.once('error', reject);
    });
    return client;
  }

  send(message: unknown): void {
    if (this.ws.readyState === WebSocket.OPEN)
      this.ws.send(typeof message === 'string' ? message : JSON.stringify(message));
  }

  async waitFor(match: (m: ServerMessage) => boolean, timeoutMs = 5_000): Promise<ServerMessage> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const found = this.received.find(match);
      if (found) return found;
      await sleep(10);
    }
    throw new Error(`no matching message; got ${JSON.stringify(this.received.slice(-5))}`);
  }

  errors(code: string): number {
    return this.received.filter((m) => m.type === 'error' && m.code === code).length;
  }

  close(): void {
    this.ws.terminate();
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Resolves with the value of `promise`, or rejects after `ms`. */
export function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  return Promise.race([
    promise,
    new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`${what}: not within ${ms} ms`)), ms)),
  ]);
}

export async function healthy(server: TestServer): Promise<{ ok: boolean; connections: number }> {
  const response = await fetch(`${server.url}/healthz`);
  return (await response.json()) as { ok: boolean; connections: number };
}

/**
 * A normal client (from `origin`) opens a socket and joins `room`: returns the time from opening to `joined`.
 * Throws if it takes 2 s or more.
 */
export async function normalJoinMs(server: TestServer, room: string, origin: Origin): Promise<number> {
  const started = performance.now();
  const client = await ScriptedClient.open(server.wsUrl, origin);
  try {
    client.send({ type: 'join', id: 'normal', room, name: 'Normal person' });
    await client.waitFor((m) => m.type === 'joined' || m.type === 'error', 2_000);
    const reply = client.received.find((m) => m.type === 'joined' || m.type === 'error');
    if (reply?.type !== 'joined') throw new Error(`normal join refused: ${JSON.stringify(reply)}`);
    return Math.round(performance.now() - started);
  } finally {
    client.close();
  }
}

/** `normalJoinMs` started alongside an attack: never rejects (an error is returned), so nothing goes unhandled. */
export function joinDuring(server: TestServer, room: string, origin: Origin): Promise<number | Error> {
  return normalJoinMs(server, room, origin).catch((error: unknown) => error as Error);
}

/** The latency of a `joinDuring`, or its error thrown. */
export async function latency(join: Promise<number | Error>): Promise<number> {
  const result = await join;
  if (result instanceof Error) throw result;
  return result;
}

/**
 * A WebSocket spoken by hand that never reads what the server sends (its TCP socket is paused), but can
 * still write frames: a slow consumer.
 */
export async function nonReadingClient(
  url: string,
): Promise<{ socket: Socket; send(text: string): boolean }> {
  const { hostname, port } = new URL(url);
  const socket = connect(Number(port), hostname);
  socket.on('error', () => undefined);
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  socket.write(
    `GET /ws HTTP/1.1\r\nHost: ${hostname}:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
      `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
  );
  await new Promise<void>((resolve) => socket.once('data', () => resolve()));
  socket.pause();
  return { socket, send: (text) => socket.write(clientTextFrame(text)) };
}
