import type { ServerMessage } from '@backdrop/protocol';
import { expect } from 'vitest';
import WebSocket from 'ws';
import { type Usage, usage } from './process.js';
import { janusFaults, type TestServer } from './server.js';

/**
 * Where a test client comes from. `via` is the loopback address the socket is bound to (the "proxy" hop) and
 * `forwardedFor` the X-Forwarded-For value it sends. With TRUST_PROXY naming every `via`, the server sees the
 * forwarded address; without X-Forwarded-For support it sees `via`. Both are distinct per client here.
 */
export interface Origin {
  via: string;
  forwardedFor: string;
}

/** Every `via` the rooms tests use: TRUST_PROXY for their servers. */
export const TRUSTED_VIAS = ['127.0.0.1', '127.0.0.2', '127.0.0.3', '127.0.0.4', '127.0.0.5'];
/** The normal client: its own address, never one an attacker uses. */
export const NORMAL: Origin = { via: '127.0.0.2', forwardedFor: '203.0.113.200' };

/** A scripted signalling client: collects every message the server sends. */
export class RoomsClient {
  readonly received: ServerMessage[] = [];
  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => this.received.push(JSON.parse(data.toString()) as ServerMessage));
  }

  static async open(wsUrl: string, origin: Origin): Promise<RoomsClient> {
    const ws = new WebSocket(wsUrl, {
      localAddress: origin.via,
      headers: { 'X-Forwarded-For': origin.forwardedFor },
    });
    const client = new RoomsClient(ws);
    await new Promise((resolve, reject) => {
      ws.once('open', resolve);
      ws.once('error', reject);
    });
    await client.waitFor((m) => m.type === 'welcome');
    return client;
  }

  send(message: unknown): void {
    this.ws.send(JSON.stringify(message));
  }

  async waitFor(match: (m: ServerMessage) => boolean, timeoutMs = 10_000, from = 0): Promise<ServerMessage> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const found = this.received.slice(from).find(match);
      if (found) return found;
      await new Promise((r) => setTimeout(r, 5));
    }
    throw new Error(`no matching message in ${timeoutMs} ms; got ${JSON.stringify(this.received.slice(-5))}`);
  }

  /** Sends a request with an id and waits for the reply to it (its `joined`, `left` or `error`). */
  async request(message: Record<string, unknown>, timeoutMs = 10_000): Promise<ServerMessage> {
    const id = `r${Math.random().toString(36).slice(2)}`;
    const from = this.received.length;
    this.send({ ...message, id });
    return this.waitFor((m) => 'replyTo' in m && m.replyTo === id, timeoutMs, from);
  }

  async close(): Promise<void> {
    if (this.ws.readyState === WebSocket.CLOSED) return;
    const closed = new Promise((resolve) => this.ws.once('close', resolve));
    this.ws.close();
    await Promise.race([closed, new Promise((r) => setTimeout(r, 2_000))]);
  }
}

/** The code of an error reply, or the reply's type. */
export function outcome(reply: ServerMessage): string {
  return reply.type === 'error' ? reply.code : reply.type;
}

/**
 * A normal client joins `room` from its own address and leaves again. Returns how long the join took, from
 * opening the socket to `joined`; throws if it was refused.
 */
let normalCount = 0;
export async function normalJoin(
  server: TestServer,
  room: string,
  name = `Normal person ${++normalCount}`,
): Promise<number> {
  const started = performance.now();
  const client = await RoomsClient.open(server.wsUrl, NORMAL);
  try {
    const reply = await client.request({ type: 'join', room, name });
    if (reply.type !== 'joined') throw new Error(`normal join refused: ${JSON.stringify(reply)}`);
    return performance.now() - started;
  } finally {
    await client.close();
  }
}

export async function health(server: TestServer): Promise<{ ok: boolean; rooms: number }> {
  const response = await fetch(`${server.url}/healthz`);
  return (await response.json()) as { ok: boolean; rooms: number };
}

/** Waits (bounded) until the server has no rooms open: every test client's leave has landed. */
export async function waitForNoRooms(server: TestServer, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if ((await health(server)).rooms === 0) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`rooms still open after ${timeoutMs} ms`);
}

/** RSS may grow this much over one attack (buffers, JIT warm-up); a leak per request would pass it. */
const RSS_GROWTH_LIMIT_KIB = 48 * 1024;
/** Descriptors may differ by this many once the attack's sockets are closed (pooled sockets, logs). */
const FD_SLACK = 8;

/**
 * The checks every rooms attack ends with: the server is up, a normal client joins `room` within 2 s, and
 * memory and descriptors came back near where they started (the attack's sockets closed). Prints the figures.
 */
export async function expectUnharmed(
  server: TestServer,
  attack: string,
  before: Usage,
  room: string,
): Promise<void> {
  expect(server.process.exitCode, 'server exited').toBeNull();
  expect(janusFaults(server), 'Janus stayed up').toEqual([]);
  const healthz = await health(server);
  const joinMs = await normalJoin(server, room);
  // Sockets are closed asynchronously; give descriptors a bounded moment to be released.
  let after = await usage(server.process.pid!);
  for (let i = 0; i < 40 && after.fds > before.fds + FD_SLACK; i++) {
    await new Promise((r) => setTimeout(r, 50));
    after = await usage(server.process.pid!);
  }
  console.log(
    `[hostile-rooms] ${attack}: healthz ok=${healthz.ok}; normal join after ${joinMs.toFixed(0)} ms; ` +
      `RSS ${before.rssKiB} -> ${after.rssKiB} KiB; fds ${before.fds} -> ${after.fds}`,
  );
  expect(healthz.ok, '/healthz ok').toBe(true);
  expect(joinMs, 'normal join (ms)').toBeLessThanOrEqual(2_000);
  expect(after.rssKiB - before.rssKiB, 'RSS growth (KiB)').toBeLessThan(RSS_GROWTH_LIMIT_KIB);
  expect(after.fds, 'open descriptors').toBeLessThanOrEqual(before.fds + FD_SLACK);
}
