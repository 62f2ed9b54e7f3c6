import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ServerMessage } from '@backdrop/protocol';
import WebSocket from 'ws';
import { renderJanusConfig } from '../../packages/server/src/sfu/janus-config.js';
import { linkJanusModules } from '../../packages/server/src/sfu/janus-process.js';
import { freePort } from '../../packages/server/src/support/tcp.js';

/** A signalling client for hostile tests: every message it got, and how its socket closed. */
export interface SfuTestClient {
  ws: WebSocket;
  messages: ServerMessage[];
  closed: Promise<number>;
  send(message: object): void;
  /** The first message (after `from`) matching `match`, within `timeoutMs`. */
  next(match: (m: ServerMessage) => boolean, timeoutMs?: number, from?: number): Promise<ServerMessage>;
}

export async function connectClient(wsUrl: string): Promise<SfuTestClient> {
  const ws = new WebSocket(wsUrl);
  const messages: ServerMessage[] = [];
  ws.on('message', (d) => messages.push(JSON.parse(d.toString()) as ServerMessage));
  const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  return {
    ws,
    messages,
    closed,
    send: (message) => ws.send(JSON.stringify(message)),
    async next(match, timeoutMs = 5000, from = 0) {
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline) {
        const found = messages.slice(from).find(match);
        if (found) return found;
        await new Promise((r) => setTimeout(r, 10));
      }
      throw new Error(`no matching message in ${timeoutMs} ms: ${JSON.stringify(messages)}`);
    },
  };
}

/** A normal client joins `room`; resolves with the reply (joined or error), how long it took, and the client. */
export async function timedJoin(
  wsUrl: string,
  room: string,
  name = 'Normal',
): Promise<{ reply: ServerMessage; ms: number; client: SfuTestClient }> {
  const started = performance.now();
  const client = await connectClient(wsUrl);
  client.send({ type: 'join', id: 1, room, name });
  const reply = await client.next((m) => m.type === 'joined' || m.type === 'error', 10_000);
  return { reply, ms: Math.round(performance.now() - started), client };
}

export async function health(url: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${url}/healthz`);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

/** Polls /healthz until `want` holds; resolves with how long that took. */
export async function waitForHealth(
  url: string,
  want: (h: { status: number; body: Record<string, unknown> }) => boolean,
  timeoutMs: number,
): Promise<number> {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    const h = await health(url).catch(() => undefined);
    if (h && want(h)) return Date.now() - started;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`/healthz did not reach the wanted state in ${timeoutMs} ms`);
}

/**
 * A Janus the server did not start (as with `--janus-url`), with fixed secrets and port, that the test can
 * kill and start again at the same address.
 */
export class ExternalJanus {
  child: ChildProcess | undefined;
  private constructor(
    readonly dir: string,
    readonly url: string,
    readonly apiSecret: string,
    readonly adminKey: string,
  ) {}

  static async create(): Promise<ExternalJanus> {
    const dir = await mkdtemp(join(tmpdir(), 'backdrop-ext-janus-'));
    await linkJanusModules(dir);
    const wsPort = await freePort();
    const apiSecret = randomBytes(16).toString('hex');
    const adminKey = randomBytes(16).toString('hex');
    const files = renderJanusConfig({
      dir,
      apiSecret,
      adminKey,
      adminSecret: randomBytes(16).toString('hex'),
      wsPort,
      rtpPortRange: '41200-41300',
      iceEnforceList: process.env.JANUS_ICE_ENFORCE_LIST,
      iceIgnoreList: 'vmnet',
      debugLevel: 2,
    });
    for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text);
    return new ExternalJanus(dir, `ws://127.0.0.1:${wsPort}`, apiSecret, adminKey);
  }

  async start(): Promise<void> {
    const child = spawn('janus', ['-F', this.dir, '-C', join(this.dir, 'janus.jcfg'), '-o'], {
      stdio: 'ignore',
    });
    this.child = child;
    const port = Number(new URL(this.url).port);
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline) {
      const open = await new Promise<boolean>((resolve) => {
        const ws = new WebSocket(this.url, 'janus-protocol');
        ws.once('open', () => {
          ws.close();
          resolve(true);
        });
        ws.once('error', () => resolve(false));
      });
      if (open) return;
      if (child.exitCode !== null)
        throw new Error(`external janus exited (${child.exitCode}) on port ${port}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error('external janus did not start');
  }

  async kill(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }

  async remove(): Promise<void> {
    await this.kill();
    if (existsSync(this.dir)) await rm(this.dir, { recursive: true, force: true });
  }
}
