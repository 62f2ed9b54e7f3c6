import { randomBytes } from 'node:crypto';
import { CLOSE_CODES } from '@backdrop/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  healthy,
  joinDuring,
  latency,
  nonReadingClient,
  normalJoinMs,
  type Origin,
  ScriptedClient,
  sleep,
  within,
} from './support/hostile-signaling.js';
import { settledFds, type Usage, usage } from './support/process.js';
import { janusFaults, startTestServer, type TestServer } from './support/server.js';

/**
 * One test per attack on the signalling socket. Each checks the attacker is cut off with the right code, and
 * that afterwards the server is healthy, a normal client joins within 2 s, and memory and fds are bounded.
 *
 * Clients get distinct X-Forwarded-For values from 203.0.113.0/24 (header values only; all traffic goes to
 * 127.0.0.1), which the flood server believes because TRUST_PROXY=127.0.0.1. The normal client also connects
 * from 127.0.0.2, so it is another address whether or not the header is believed.
 */
const NORMAL: Origin = { forwardedFor: '203.0.113.200', localAddress: '127.0.0.2' };
/** RSS may grow by this much over one attack (buffers, JIT warm-up), never more. */
const RSS_GROWTH_LIMIT_KIB = 48 * 1024;
/** Open fds may differ from before the attack by this many once the attacker's sockets are gone. */
const FD_SLACK = 4;

async function checkAfter(server: TestServer, name: string, before: Usage, joinMs: number[]): Promise<void> {
  expect(server.process.exitCode, 'server process still running').toBeNull();
  expect((await healthy(server)).ok, '/healthz ok').toBe(true);
  expect(janusFaults(server), 'Janus stayed up').toEqual([]);
  joinMs.push(await normalJoinMs(server, `after-${name.replace(/[^a-z]+/g, '-')}`, NORMAL));
  const fds = await settledFds(server.process.pid!, before.fds + FD_SLACK);
  const after = await usage(server.process.pid!);
  console.log(
    `[${name}] RSS ${before.rssKiB} -> ${after.rssKiB} KiB, fds ${before.fds} -> ${fds}, ` +
      `normal join ${joinMs.join(' / ')} ms (during / after)`,
  );
  for (const ms of joinMs) expect(ms, 'normal join latency (ms)').toBeLessThan(2_000);
  expect(after.rssKiB - before.rssKiB, 'RSS growth (KiB)').toBeLessThan(RSS_GROWTH_LIMIT_KIB);
  expect(fds, 'open fds after the attack').toBeLessThanOrEqual(before.fds + FD_SLACK);
}

describe('hostile signalling: slow reader', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer({
      // A reader that never reads cannot answer pings either: keep the heartbeat out of this test.
      HEARTBEAT_MS: '60000',
      SEND_BUFFER_LIMIT_BYTES: '16384',
      // High rates so that only the buffer bound can stop the slow reader.
      MESSAGES_PER_SECOND: '100000',
      BAD_MESSAGES_PER_MINUTE: '1000000',
    });
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('terminates a client that never reads once its unsent replies pass the buffer limit', async () => {
    const before = await usage(server.process.pid!);
    const reader = await nonReadingClient(server.wsUrl);
    // Each small request of an unknown type gets an error reply about three times its size (the known types
    // and the echoed 64-character id; refusals no longer echo unknown keys at length). The kernel's socket
    // buffers (several MB on loopback) fill first, then the server's own buffer passes the limit.
    const request = JSON.stringify({ type: 'nope', id: 'i'.repeat(64) });
    let sent = 0;
    let dropped = false;
    let join: Promise<number | Error> | undefined;
    // At most 500,000 requests (45 MB) over at most 25 s, until the server logs the slow consumer.
    const deadline = Date.now() + 25_000;
    while (sent < 500_000 && Date.now() < deadline) {
      for (let i = 0; i < 100; i++) reader.send(request);
      sent += 100;
      if (sent === 200) join = joinDuring(server, 'slow-reader-during', NORMAL);
      await sleep(5);
      if (server.logs.some((l) => l.includes('stopped reading'))) {
        dropped = true;
        break;
      }
    }
    const joinMs = join ? [await latency(join)] : [];
    const line = server.logs.find((l) => l.includes('stopped reading'));
    console.log(
      `[slow reader] dropped after ${sent} requests of ${request.length} bytes: ${line ?? 'never'}`,
    );
    expect(dropped, 'slow consumer terminated').toBe(true);
    expect(line).toContain('"bufferedBytes"');
    const bufferedBytes = Number(/"bufferedBytes":(\d+)/.exec(line!)?.[1]);
    // Closed at the first reply past the limit: one reply over, not megabytes over.
    expect(bufferedBytes).toBeGreaterThan(16_384);
    expect(bufferedBytes).toBeLessThan(16_384 + 8192);
    reader.socket.destroy();
    await checkAfter(server, 'slow reader', before, joinMs);
  });
});

describe('hostile signalling: pongs and floods', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer({
      HEARTBEAT_MS: '1000',
      TRUST_PROXY: '127.0.0.1',
      MESSAGES_PER_SECOND: '20',
      BAD_MESSAGES_PER_MINUTE: '30',
      MAX_CONNECTIONS_PER_ADDRESS: '5',
      // The normal client joins once per test: keep the per-address join limits (another slice) out of the way.
      JOINS_PER_MINUTE_PER_ADDRESS: '1000',
      ROOM_CREATIONS_PER_MINUTE_PER_ADDRESS: '1000',
    });
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('removes a client that sends its own pongs but never answers pings within ~2 heartbeats', async () => {
    const before = await usage(server.process.pid!);
    const watcher = await ScriptedClient.open(server.wsUrl, NORMAL);
    watcher.send({ type: 'join', id: 1, room: 'pong-room', name: 'Watcher' });
    await watcher.waitFor((m) => m.type === 'joined');

    const faker = await ScriptedClient.open(
      server.wsUrl,
      { forwardedFor: '203.0.113.10' },
      { autoPong: false },
    );
    faker.send({ type: 'join', id: 1, room: 'pong-room', name: 'Faker' });
    await faker.waitFor((m) => m.type === 'joined');
    const started = Date.now();
    // Unsolicited pongs with guessed payloads, ten a second, for at most 5 s.
    const timer = setInterval(() => {
      faker.ws.pong(randomBytes(8));
      faker.ws.pong();
    }, 100);
    try {
      const code = await within(faker.closed, 5_000, 'faker removed');
      const removedMs = Date.now() - started;
      await watcher.waitFor((m) => m.type === 'participantLeft', 2_000);
      console.log(
        `[unsolicited pongs] removed after ${removedMs} ms (HEARTBEAT_MS=1000), close code ${code}`,
      );
      expect(code).toBe(CLOSE_CODES.heartbeatTimeout);
      expect(removedMs).toBeLessThan(3_000);
    } finally {
      clearInterval(timer);
    }
    // The watcher answers pings (ws does by default) and stayed through the same heartbeats.
    expect(watcher.ws.readyState).toBe(watcher.ws.OPEN);
    watcher.close();
    await checkAfter(server, 'unsolicited pongs', before, []);
  });

  it('answers a message flood with a few rate_limited replies, then closes it with 4001', async () => {
    const before = await usage(server.process.pid!);
    const attackers = await Promise.all(
      [1, 2, 3, 4].map((n) => ScriptedClient.open(server.wsUrl, { forwardedFor: `203.0.113.${n}` })),
    );
    const join = joinDuring(server, 'message-flood-during', NORMAL);
    // Each sends 2,000 valid messages in bursts of 100 (at most 2,000 each, or until closed).
    for (let burst = 0; burst < 20; burst++) {
      for (const a of attackers) for (let i = 0; i < 100; i++) a.send({ type: 'leave', id: i });
      await sleep(5);
    }
    const joinMs = [await latency(join)];
    const codes = await within(Promise.all(attackers.map((a) => a.closed)), 5_000, 'attackers closed');
    const limited = attackers.map((a) => a.errors('rate_limited'));
    console.log(`[message flood] close codes ${codes.join(',')}, rate_limited replies per socket ${limited}`);
    for (const code of codes) expect(code).toBe(CLOSE_CODES.rateLimited);
    for (const n of limited) {
      expect(n).toBeGreaterThanOrEqual(1);
      expect(n, 'rate_limited replies are bounded').toBeLessThanOrEqual(5);
    }
    await checkAfter(server, 'message flood', before, joinMs);
  });

  it('closes a socket that keeps sending bad messages with 4002', async () => {
    const before = await usage(server.process.pid!);
    const attacker = await ScriptedClient.open(server.wsUrl, { forwardedFor: '203.0.113.20' });
    await attacker.waitFor((m) => m.type === 'welcome');
    const join = joinDuring(server, 'bad-flood-during', NORMAL);
    const bad = [
      '{"type":"join",',
      'not json',
      Buffer.from([1, 2, 3]),
      JSON.stringify({ type: 'join', room: 'r', name: 'x'.repeat(5000) }),
      { type: 'nope' },
    ];
    for (let i = 0; i < 60; i++) {
      const frame = bad[i % bad.length];
      if (Buffer.isBuffer(frame)) attacker.ws.send(frame);
      else attacker.send(frame);
    }
    const code = await within(attacker.closed, 5_000, 'attacker closed');
    const joinMs = [await latency(join)];
    const errors = attacker.received.filter((m) => m.type === 'error');
    const codes = new Set(errors.map((m) => (m.type === 'error' ? m.code : '')));
    console.log(
      `[bad-message flood] close code ${code} after ${errors.length} error replies (${[...codes]})`,
    );
    expect(code).toBe(CLOSE_CODES.tooManyBadMessages);
    expect(errors.length).toBe(31); // 30 allowed in a minute, the 31st answered and closed
    expect([...codes].sort()).toEqual(['bad_json', 'bad_message', 'too_large']);
    await checkAfter(server, 'bad-message flood', before, joinMs);
  });

  it('refuses sockets past the per-address cap with 4004 and keeps the earlier ones working', async () => {
    const before = await usage(server.process.pid!);
    const from: Origin = { forwardedFor: '203.0.113.30' };
    const kept = await Promise.all([1, 2, 3, 4, 5].map(() => ScriptedClient.open(server.wsUrl, from)));
    for (const k of kept) await k.waitFor((m) => m.type === 'welcome');
    const join = joinDuring(server, 'connection-flood-during', NORMAL);
    const extra = await Promise.all(
      Array.from({ length: 30 }, () => ScriptedClient.open(server.wsUrl, from)),
    );
    const codes = await within(Promise.all(extra.map((e) => e.closed)), 5_000, 'extra sockets closed');
    const joinMs = [await latency(join)];
    const refusals = extra.map((e) => e.errors('too_many_connections'));
    console.log(`[connection flood] 5 kept, 30 extra closed with ${[...new Set(codes)]}`);
    for (const code of codes) expect(code).toBe(CLOSE_CODES.tooManyConnections);
    for (const n of refusals) expect(n).toBe(1);
    expect(extra.every((e) => e.received.every((m) => m.type === 'error'))).toBe(true);

    // The earlier sockets still work...
    kept[0]!.send({ type: 'join', id: 'k', room: 'kept-room', name: 'Kept' });
    await kept[0]!.waitFor((m) => m.type === 'joined');
    for (const k of kept) expect(k.ws.readyState).toBe(k.ws.OPEN);
    // ...and a slot is released when one of them closes.
    kept[4]!.ws.close();
    await kept[4]!.closed;
    await sleep(200); // the server sees the close just after the client does
    const again = await ScriptedClient.open(server.wsUrl, from);
    await again.waitFor((m) => m.type === 'welcome');
    for (const c of [...kept, again]) c.close();
    await checkAfter(server, 'connection flood', before, joinMs);
  });
});
