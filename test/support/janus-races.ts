import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ServerMessage } from '@backdrop/protocol';
import type { Page } from 'playwright-core';
import WebSocket from 'ws';
import { ROOT, type TestServer } from './server.js';

/** The pid of the Janus our server started (its child process named `janus`), or undefined if none runs. */
export function janusPidOf(serverPid: number): number | undefined {
  try {
    const out = execFileSync('pgrep', ['-P', String(serverPid), '-x', 'janus'], { encoding: 'utf8' }).trim();
    const pid = Number(out.split('\n')[0]);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    // pgrep exits 1 when nothing matches.
    return undefined;
  }
}

/** A real Chromium publisher offer that our server accepts; Janus answers it (no media ever flows). */
export const CHROMIUM_OFFER = readFileSync(
  join(ROOT, 'packages/server/src/signaling/fixtures/chromium-offer.sdp'),
  'utf8',
);

/** A bare signalling client for race patterns: it records what the server sends and can vanish at any time. */
export class RaceClient {
  readonly received: ServerMessage[] = [];
  readonly closed: Promise<void>;
  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => this.received.push(JSON.parse(data.toString()) as ServerMessage));
    this.closed = new Promise((resolve) => ws.once('close', () => resolve()));
  }

  static async open(wsUrl: string): Promise<RaceClient> {
    const ws = new WebSocket(wsUrl);
    const client = new RaceClient(ws);
    await new Promise((resolve, reject) => {
      ws.once('open', resolve);
      ws.once('error', reject);
    });
    return client;
  }

  send(message: Record<string, unknown>): void {
    if (this.ws.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify(message));
  }

  async waitFor(match: (m: ServerMessage) => boolean, timeoutMs = 10_000): Promise<ServerMessage> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const found = this.received.find(match);
      if (found) return found;
      if (this.ws.readyState === WebSocket.CLOSED) break;
      await new Promise((r) => setTimeout(r, 5));
    }
    throw new Error(`no matching message; got ${JSON.stringify(this.received.slice(-3))}`);
  }

  /** Joins and waits for `joined` (or throws with the error the server sent). */
  async join(room: string, name: string): Promise<void> {
    this.send({ type: 'join', id: 'j', room, name });
    const reply = await this.waitFor((m) => 'replyTo' in m && m.replyTo === 'j');
    if (reply.type !== 'joined') throw new Error(`join refused: ${JSON.stringify(reply)}`);
  }

  /** Drops the socket at once (a TCP reset, no close handshake): the server sees the browser vanish. */
  vanish(): Promise<void> {
    this.ws.terminate();
    return this.closed;
  }
}

export async function healthz(server: TestServer): Promise<{ ok: boolean; rooms: number }> {
  const response = await fetch(`${server.url}/healthz`);
  return (await response.json()) as { ok: boolean; rooms: number };
}

/** Waits (bounded) until every room is gone, so the next pattern starts from an empty server. */
export async function waitForNoRooms(server: TestServer, timeoutMs = 10_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  let rooms = -1;
  while (Date.now() < deadline) {
    const health = await healthz(server).catch(() => undefined);
    rooms = health?.rooms ?? -1;
    if (rooms === 0) return 0;
    await new Promise((r) => setTimeout(r, 50));
  }
  return rooms;
}

/**
 * In the page: for each room, joins as "Live", publishes the fake camera and microphone, and resolves once every
 * publisher PeerConnection is connected to Janus (so the others are offered its feed).
 */
export async function publishFromPage(page: Page, wsUrl: string, rooms: string[]): Promise<void> {
  await page.evaluate(
    async ({ wsUrl, rooms }) => {
      type Live = { ws: globalThis.WebSocket; pc: RTCPeerConnection };
      const w = window as unknown as { live?: Live[] };
      w.live ??= [];
      const stream = await navigator.mediaDevices.getUserMedia({ audio: true, video: true });
      await Promise.all(
        rooms.map(async (room) => {
          // window.WebSocket: this module imports `ws` under the same name, and the page has no such import.
          const ws = new window.WebSocket(wsUrl);
          const pc = new RTCPeerConnection();
          w.live!.push({ ws, pc });
          const replies = new Map<string, (m: { type: string; sdp?: string }) => void>();
          ws.onmessage = (e) => {
            const m = JSON.parse(String(e.data)) as { type: string; replyTo?: string; sdp?: string };
            if (m.replyTo) replies.get(m.replyTo)?.(m);
          };
          const request = (message: Record<string, unknown> & { id: string }) =>
            new Promise<{ type: string; sdp?: string }>((resolve, reject) => {
              replies.set(message.id, resolve);
              ws.send(JSON.stringify(message));
              setTimeout(() => reject(new Error(`no reply to ${message.id}`)), 10_000);
            });
          await new Promise((resolve, reject) => {
            ws.onopen = resolve;
            ws.onerror = reject;
          });
          const joined = await request({ type: 'join', id: 'j', room, name: 'Live' });
          if (joined.type !== 'joined') throw new Error(`join: ${JSON.stringify(joined)}`);
          for (const track of stream.getTracks()) {
            pc.addTransceiver(track, { direction: 'sendonly', streams: [stream] });
          }
          await pc.setLocalDescription(await pc.createOffer());
          await new Promise<void>((resolve) => {
            if (pc.iceGatheringState === 'complete') resolve();
            pc.onicegatheringstatechange = () => pc.iceGatheringState === 'complete' && resolve();
            setTimeout(resolve, 2_000);
          });
          const answer = await request({ type: 'publish', id: 'p', sdp: pc.localDescription!.sdp });
          if (answer.type !== 'publishAnswer') throw new Error(`publish: ${JSON.stringify(answer)}`);
          await pc.setRemoteDescription({ type: 'answer', sdp: answer.sdp! });
          await new Promise<void>((resolve, reject) => {
            if (pc.connectionState === 'connected') resolve();
            pc.onconnectionstatechange = () => pc.connectionState === 'connected' && resolve();
            setTimeout(() => reject(new Error(`publisher ${pc.connectionState}`)), 10_000);
          });
        }),
      );
    },
    { wsUrl, rooms },
  );
}

/** In the page: every live publisher vanishes at once (socket and PeerConnection closed). */
export async function vanishFromPage(page: Page): Promise<void> {
  await page.evaluate(() => {
    const w = window as unknown as { live?: { ws: globalThis.WebSocket; pc: RTCPeerConnection }[] };
    for (const { ws, pc } of w.live ?? []) {
      ws.close();
      pc.close();
    }
    w.live = [];
  });
}
