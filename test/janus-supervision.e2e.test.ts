import { execFileSync } from 'node:child_process';
import type { ServerMessage } from '@backdrop/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startTestServer, type TestServer } from './support/server.js';

function janusPid(serverPid: number): number {
  const out = execFileSync('pgrep', ['-P', String(serverPid), '-x', 'janus'], { encoding: 'utf8' }).trim();
  return Number(out.split('\n')[0]);
}

async function join(
  url: string,
  room: string,
  name: string,
): Promise<{ ws: WebSocket; joined: ServerMessage; closed: Promise<number> }> {
  const ws = new WebSocket(url);
  const messages: ServerMessage[] = [];
  ws.on('message', (d) => messages.push(JSON.parse(d.toString()) as ServerMessage));
  const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  ws.send(JSON.stringify({ type: 'join', id: 1, room, name }));
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    const reply = messages.find((m) => m.type === 'joined' || m.type === 'error');
    if (reply) return { ws, joined: reply, closed };
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`no reply to join: ${JSON.stringify(messages)}`);
}

describe('the server supervises its Janus', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('creates one room for two simultaneous first joins', async () => {
    const [a, b] = await Promise.all([
      join(server.wsUrl, 'race-room', 'A'),
      join(server.wsUrl, 'race-room', 'B'),
    ]);
    const lists = [a.joined, b.joined].map((j) =>
      j.type === 'joined' ? j.participants.map((p) => p.name) : ['error'],
    );
    // Whoever got in second sees the first: both ended up in the same room.
    expect(lists.flat()).toHaveLength(1);
    expect(lists[0]!.length === 1 ? lists[0] : lists[1]).toEqual([lists[0]!.length === 1 ? 'B' : 'A']);
    a.ws.close();
    b.ws.close();
  });

  it('disconnects everyone with 1012 when Janus dies, restarts it, and takes new joins again', async () => {
    const before = await join(server.wsUrl, 'crash-room', 'Before');
    expect(before.joined.type).toBe('joined');
    const oldPid = janusPid(server.process.pid!);
    process.kill(oldPid, 'SIGKILL');
    expect(await before.closed).toBe(1012);

    const deadline = Date.now() + 20_000;
    let after: Awaited<ReturnType<typeof join>> | undefined;
    while (Date.now() < deadline) {
      const health = (await (await fetch(`${server.url}/healthz`)).json()) as { ok: boolean };
      if (health.ok) {
        after = await join(server.wsUrl, 'crash-room', 'After');
        break;
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(after?.joined.type).toBe('joined');
    expect(after?.joined.type === 'joined' && after.joined.participants).toEqual([]);
    expect(janusPid(server.process.pid!)).not.toBe(oldPid);
    after?.ws.close();
  });
});
