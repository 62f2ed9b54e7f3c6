import type { ServerMessage } from '@backdrop/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { silentClient } from './support/raw-ws.js';
import { janusFaults, rssKiB, startTestServer, type TestServer } from './support/server.js';

/** A scripted signalling client: collects every message the server sends. */
class Client {
  readonly received: ServerMessage[] = [];
  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => this.received.push(JSON.parse(data.toString()) as ServerMessage));
  }
  static async open(url: string): Promise<Client> {
    const ws = new WebSocket(url);
    const client = new Client(ws);
    await new Promise((resolve, reject) => {
      ws.once('open', resolve);
      ws.once('error', reject);
    });
    await client.waitFor((m) => m.type === 'welcome');
    return client;
  }
  send(message: unknown): void {
    this.ws.send(typeof message === 'string' ? message : JSON.stringify(message));
  }
  async waitFor(match: (m: ServerMessage) => boolean, timeoutMs = 10_000): Promise<ServerMessage> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const found = this.received.find(match);
      if (found) return found;
      await new Promise((r) => setTimeout(r, 20));
    }
    throw new Error(`no matching message; got ${JSON.stringify(this.received.slice(-5))}`);
  }
  count(type: ServerMessage['type']): number {
    return this.received.filter((m) => m.type === type).length;
  }
}

/** 1,200 malformed or hostile frames: bad JSON, oversized, wrong types, spoofed ids, unknown types. */
function hostileMessages(victimId: string): unknown[] {
  const out: unknown[] = [];
  const huge = 'x'.repeat(70 * 1024);
  for (let i = 0; i < 100; i++) {
    out.push(
      `{"type":"join",${'['.repeat(i)}`,
      'not json at all',
      '',
      `{"type":"join","room":"r","name":"${huge}"}`,
      42,
      null,
      [1, 2, 3],
      { type: 'nope' },
      { type: 7 },
      { type: 'join', room: 'UPPER/../case', name: 'x' },
      { type: 'join', room: 'ok-room', name: ' '.repeat(10) },
      { type: 'join', room: 'ok-room', name: 'n'.repeat(65) },
    );
    out.push(
      { type: 'join', room: 'victim-room', name: 'mallory', participantId: victimId },
      { type: 'leave', participantId: victimId },
      { type: 'publish', sdp: 'v=0' },
      { type: 'subscriberAnswer', sdp: 'v=0', participantId: victimId },
      { type: 'publish', sdp: 12 },
      { type: 'join', room: 'victim-room', name: { toString: 'x' } },
      { type: '__proto__', constructor: { prototype: {} } },
      JSON.parse('{"__proto__": {"polluted": true}, "type": "leave"}'),
    );
  }
  return out;
}

describe('signalling under a flood of hostile frames', () => {
  let server: TestServer;

  beforeAll(async () => {
    // One attacker socket sends 3 x 2,000 hostile frames (7 MB) at once: lift the per-socket rate limits
    // (tested in hostile-signaling.e2e.test.ts) so that every frame reaches the parser and gets its own error
    // reply. The default 10 s heartbeat: the attacker's pongs queue behind its own flood.
    server = await startTestServer({ MESSAGES_PER_SECOND: '100000', BAD_MESSAGES_PER_MINUTE: '1000000' });
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('never took Janus down', () => {
    expect(janusFaults(server)).toEqual([]);
  });

  it('answers every bad frame with an error, keeps the connection and the server up, and does not leak', async () => {
    const victim = await Client.open(server.wsUrl);
    victim.send({ type: 'join', id: 1, room: 'victim-room', name: 'Victim' });
    const joined = await victim.waitFor((m) => m.type === 'joined');
    const victimId = joined.type === 'joined' ? joined.participantId : '';

    const attacker = await Client.open(server.wsUrl);
    const messages = hostileMessages(victimId);
    expect(messages.length).toBeGreaterThanOrEqual(1000);

    const rounds: number[] = [await rssKiB(server.process.pid!)];
    for (let round = 0; round < 3; round++) {
      const before = attacker.count('error');
      for (const message of messages) attacker.send(message);
      const deadline = Date.now() + 30_000;
      while (attacker.count('error') - before < messages.length && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 50));
      }
      expect(attacker.count('error') - before, `error replies in round ${round}`).toBe(messages.length);
      rounds.push(await rssKiB(server.process.pid!));
    }
    // Memory may grow on the first round (buffers, JIT); later rounds must not keep growing.
    const growthLastRounds = rounds[3]! - rounds[1]!;
    console.log(`server RSS KiB by round: ${rounds.join(' -> ')}`);
    expect(growthLastRounds, 'RSS growth over rounds 2-3 (KiB)').toBeLessThan(32 * 1024);

    // The attacker's socket still works, and the victim was never touched.
    expect(attacker.ws.readyState).toBe(WebSocket.OPEN);
    expect(victim.count('participantLeft')).toBe(0);
    expect(server.process.exitCode).toBeNull();

    const normal = await Client.open(server.wsUrl);
    normal.send({ type: 'join', id: 'n1', room: 'victim-room', name: '  Normal person  ' });
    const normalJoined = await normal.waitFor((m) => m.type === 'joined');
    expect(normalJoined.type === 'joined' && normalJoined.participants).toEqual([
      { id: victimId, name: 'Victim', role: 'host' }, // the room's first participant
    ]);
    const seen = await victim.waitFor((m) => m.type === 'participantJoined');
    expect(seen.type === 'participantJoined' && seen.participant.name).toBe('Normal person');

    const health = (await (await fetch(`${server.url}/healthz`)).json()) as { ok: boolean };
    expect(health.ok).toBe(true);
    for (const c of [victim, attacker, normal]) c.ws.close();
  });
});

describe('signalling with a short heartbeat', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer({ HEARTBEAT_MS: '1000' });
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('never took Janus down', () => {
    expect(janusFaults(server)).toEqual([]);
  });

  it('removes a browser that vanishes without closing within two heartbeats', async () => {
    const watcher = await Client.open(server.wsUrl);
    watcher.send({ type: 'join', id: 1, room: 'ghost-room', name: 'Watcher' });
    await watcher.waitFor((m) => m.type === 'joined');
    const ghost = await silentClient(server.wsUrl, [
      JSON.stringify({ type: 'join', room: 'ghost-room', name: 'Ghost' }),
    ]);
    await watcher.waitFor((m) => m.type === 'participantJoined');
    const started = Date.now();
    await watcher.waitFor((m) => m.type === 'participantLeft', 5_000);
    // HEARTBEAT_MS is 1 s here: gone within two missed pings. The default 10 s heartbeat gives at most ~20 s.
    expect(Date.now() - started).toBeLessThan(3_000);
    ghost.destroy();
    watcher.ws.close();
  });

  it('rejects bad room links with an error page and serves the app with COOP/COEP', async () => {
    const bad = await fetch(`${server.url}/r/Not_Valid!`);
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain('Not a valid room link');
    const long = await fetch(`${server.url}/r/${'a'.repeat(65)}`);
    expect(long.status).toBe(400);
    const good = await fetch(`${server.url}/r/team-standup`);
    expect(good.status).toBe(200);
    expect(good.headers.get('cross-origin-opener-policy')).toBe('same-origin');
    expect(good.headers.get('cross-origin-embedder-policy')).toBe('require-corp');
    const traversal = await fetch(`${server.url}/assets/..%2f..%2fpackage.json`);
    expect(traversal.status).toBe(404);
  });
});
