import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { abortedDownload, healthOk, joinLatencyMs, openSocket, rawRequest } from './support/hostile-http.js';
import { poll } from './support/poll.js';
import { settledFds, type Usage, usage } from './support/process.js';
import { ROOT, startTestServer, type TestServer } from './support/server.js';

const HEADERS_TIMEOUT_MS = 1000;
const REQUEST_TIMEOUT_MS = 2000;
const KEEP_ALIVE_TIMEOUT_MS = 1000;
/** The proxy we trust is 127.0.0.2 (a loopback source address); connections from 127.0.0.1 are not it. */
const TRUSTED_PROXY = '127.0.0.2';
/** Documentation address (RFC 5737): only ever a header value, no traffic goes there. */
const FORWARDED_CLIENT = '203.0.113.7';

const UPGRADE =
  'Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n';

/** Each hostile request, and the statuses that are a clear answer to it. */
const MALFORMED: { name: string; bytes: string; statuses: number[] }[] = [
  { name: 'upgrade //[/ws', bytes: `GET //[/ws HTTP/1.1\r\nHost: x\r\n${UPGRADE}\r\n`, statuses: [400, 404] },
  {
    name: 'upgrade http://a:99999/ws',
    bytes: `GET http://a:99999/ws HTTP/1.1\r\nHost: x\r\n${UPGRADE}\r\n`,
    statuses: [400],
  },
  {
    name: 'upgrade http://%/ws',
    bytes: `GET http://%/ws HTTP/1.1\r\nHost: x\r\n${UPGRADE}\r\n`,
    statuses: [400],
  },
  { name: 'plain //[/ws', bytes: 'GET //[/ws HTTP/1.1\r\nHost: x\r\n\r\n', statuses: [400, 404] },
  {
    name: 'plain http://a:99999/ws',
    bytes: 'GET http://a:99999/ws HTTP/1.1\r\nHost: x\r\n\r\n',
    statuses: [400],
  },
  { name: 'plain http://%/ws', bytes: 'GET http://%/ws HTTP/1.1\r\nHost: x\r\n\r\n', statuses: [400] },
  { name: 'asterisk target', bytes: 'GET * HTTP/1.1\r\nHost: x\r\n\r\n', statuses: [400] },
  {
    name: 'bad percent-encoding',
    bytes: 'GET /assets/%E0%A4%A HTTP/1.1\r\nHost: x\r\n\r\n',
    statuses: [400, 404],
  },
  {
    name: 'traversal',
    bytes: 'GET /assets/..%2f..%2f..%2fpackage.json HTTP/1.1\r\nHost: x\r\n\r\n',
    statuses: [404],
  },
  { name: 'garbage request line', bytes: 'GARBAGE\r\n\r\n', statuses: [400] },
  { name: 'binary junk', bytes: '\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\r\n\r\n', statuses: [400] },
  { name: 'unknown method', bytes: 'BREW / HTTP/1.1\r\nHost: x\r\n\r\n', statuses: [400, 405] },
  {
    name: 'POST with body',
    bytes: 'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc',
    statuses: [405],
  },
  {
    name: 'GET with body',
    bytes: 'GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc',
    statuses: [413],
  },
  {
    name: 'chunked GET',
    bytes: 'GET / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n',
    statuses: [413],
  },
  {
    name: 'bad Content-Length',
    bytes: 'GET / HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n',
    statuses: [400],
  },
  { name: 'NUL in header', bytes: 'GET / HTTP/1.1\r\nHost: x\r\nX-A: a\x00b\r\n\r\n', statuses: [400] },
  { name: 'header without colon', bytes: 'GET / HTTP/1.1\r\nHost: x\r\nnocolon\r\n\r\n', statuses: [400] },
  {
    name: 'huge header',
    bytes: `GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(64 * 1024)}\r\n\r\n`,
    statuses: [431],
  },
  {
    name: '3000 headers',
    bytes: `GET / HTTP/1.1\r\nHost: x\r\n${'X-Header: value-value\r\n'.repeat(3000)}\r\n`,
    statuses: [431],
  },
  { name: 'upgrade by POST', bytes: `POST /ws HTTP/1.1\r\nHost: x\r\n${UPGRADE}\r\n`, statuses: [405] },
  { name: 'upgrade elsewhere', bytes: `GET /not-ws HTTP/1.1\r\nHost: x\r\n${UPGRADE}\r\n`, statuses: [404] },
  {
    name: 'upgrade from another site',
    bytes: `GET /ws HTTP/1.1\r\nHost: x\r\nOrigin: https://evil.example\r\n${UPGRADE}\r\n`,
    statuses: [403],
  },
  {
    name: 'upgrade with a bad key',
    bytes:
      'GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: x\r\n\r\n',
    statuses: [400],
  },
];

describe('the HTTP edge under hostile clients', () => {
  let server: TestServer;
  let pid: number;
  let rooms = 0;

  beforeAll(async () => {
    server = await startTestServer({
      HTTP_HEADERS_TIMEOUT_MS: String(HEADERS_TIMEOUT_MS),
      HTTP_REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS),
      HTTP_KEEP_ALIVE_TIMEOUT_MS: String(KEEP_ALIVE_TIMEOUT_MS),
      TRUST_PROXY: TRUSTED_PROXY,
    });
    pid = server.process.pid!;
    // Warm up (first requests allocate lazily), so the baselines below are steady.
    await joinLatencyMs(server.wsUrl, 'edge-warmup');
    await fetch(`${server.url}/`);
  });
  afterAll(async () => {
    await server?.stop();
  });

  /** The assertions every attack ends with: still healthy, a normal join within 2 s, memory and fds bounded. */
  async function stillServing(label: string, before: Usage, joinDuring?: number): Promise<void> {
    expect(server.process.exitCode, 'server process exited').toBeNull();
    expect(await healthOk(server.url)).toBe(true);
    const joinMs = await joinLatencyMs(server.wsUrl, `edge-after-${++rooms}`);
    const fds = await settledFds(pid, before.fds + 2);
    const after = await usage(pid);
    console.log(
      `[hostile-http] ${label}: RSS ${before.rssKiB} -> ${after.rssKiB} KiB, fds ${before.fds} -> ${fds}, ` +
        `join after ${joinMs} ms${joinDuring === undefined ? '' : `, join during ${joinDuring} ms`}`,
    );
    expect(joinMs).toBeLessThan(2000);
    if (joinDuring !== undefined) expect(joinDuring).toBeLessThan(2000);
    expect(fds).toBeLessThanOrEqual(before.fds + 2);
    expect(after.rssKiB - before.rssKiB).toBeLessThan(64 * 1024);
  }

  it('answers malformed request targets, request lines and headers with a 4xx and carries on', async () => {
    const before = await usage(pid);
    const seen: string[] = [];
    for (const attack of MALFORMED) {
      const reply = await rawRequest(server.url, attack.bytes);
      seen.push(`${attack.name}: ${reply.statusLine} (closed after ${reply.ms} ms)`);
      expect(attack.statuses, `${attack.name} got "${reply.statusLine}"`).toContain(reply.status);
      expect(reply.closed, `${attack.name}: the connection stays open`).toBe(true);
    }
    console.log(`[hostile-http] malformed requests:\n  ${seen.join('\n  ')}`);
    // Every refusal says why in the log. The server's log lines reach us through its stdout pipe, which can
    // trail the replies on a loaded machine (CI once read the logs before the HPE_HEADER_OVERFLOW line came).
    const reasons = ['malformed request target', 'HPE_HEADER_OVERFLOW', 'origin is not this host'];
    const unlogged = () =>
      reasons.filter(
        (reason) => !server.logs.some((line) => line.includes('refused') && line.includes(reason)),
      );
    await poll('every refusal in the log', 5000, async () =>
      unlogged().length === 0 ? true : undefined,
    ).catch(() => undefined);
    expect(unlogged(), 'refusals without their reason in the log').toEqual([]);
    // Then the same attacks again and again, 20 connections at a time; the client hangs up after 300 ms
    // rather than wait out the keep-alive of the 404s.
    const started = Date.now();
    let joinDuring: number | undefined;
    let answered = 0;
    for (let round = 0; round < 25; round++) {
      const flood = Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          rawRequest(server.url, MALFORMED[(round * 20 + i) % MALFORMED.length]!.bytes, 300),
        ),
      );
      if (round === 12) joinDuring = await joinLatencyMs(server.wsUrl, `edge-during-${++rooms}`);
      answered += (await flood).filter((reply) => reply.status !== undefined && reply.status >= 400).length;
    }
    console.log(
      `[hostile-http] 500 more malformed requests in ${Date.now() - started} ms, ${answered} answered 4xx`,
    );
    expect(answered).toBe(500);
    await stillServing('malformed requests', before, joinDuring);
  });

  it('closes the file of every aborted download of the largest wasm asset', async () => {
    const assets = join(ROOT, 'packages/app/dist/assets');
    const folder = (await readdir(assets)).find((name) => /^effects-[A-Z0-9]{8}$/.test(name));
    expect(folder, 'the app build has a hashed effects folder').toBeDefined();
    const wasm = join(assets, folder!, 'vision_wasm_internal.wasm');
    const size = (await stat(wasm)).size;
    const path = `/assets/${folder}/vision_wasm_internal.wasm`;

    // The file as it is (the aborted downloads below send no Accept-Encoding either).
    const identity = { 'Accept-Encoding': 'identity' };
    const head = await fetch(`${server.url}${path}`, { method: 'HEAD', headers: identity });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-length')).toBe(String(size));
    expect(head.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect((await head.arrayBuffer()).byteLength).toBe(0);
    const full = await fetch(`${server.url}${path}`, { headers: identity });
    expect((await full.arrayBuffer()).byteLength).toBe(size);
    const etag = full.headers.get('etag')!;
    expect(
      (await fetch(`${server.url}${path}`, { headers: { ...identity, 'If-None-Match': etag } })).status,
    ).toBe(304);
    // The build's brotli copy, to a client that accepts it (fetch decompresses it back to the file).
    const br = await fetch(`${server.url}${path}`, { headers: { 'Accept-Encoding': 'br' } });
    expect(br.headers.get('content-encoding')).toBe('br');
    expect(Number(br.headers.get('content-length'))).toBeLessThan(size / 3);
    expect((await br.arrayBuffer()).byteLength).toBe(size);
    const html = await fetch(`${server.url}/r/some-room`);
    expect(html.headers.get('cache-control')).toBe('no-cache');
    await html.arrayBuffer();

    const before = await usage(pid);
    let joinDuring: number | undefined;
    let received = 0;
    const started = Date.now();
    for (let batch = 0; batch < 10; batch++) {
      const downloads = Promise.all(
        Array.from({ length: 20 }, () => abortedDownload(server.url, path, 256 * 1024)),
      );
      if (batch === 5) joinDuring = await joinLatencyMs(server.wsUrl, `edge-during-${++rooms}`);
      for (const bytes of await downloads) received += bytes;
    }
    const peakFds = (await usage(pid)).fds;
    console.log(
      `[hostile-http] 200 downloads of ${path} (${size} bytes) aborted after ${Math.round(received / 200 / 1024)} KiB ` +
        `each, in ${Date.now() - started} ms; fds right after: ${peakFds}`,
    );
    await stillServing('aborted downloads', before, joinDuring);
  });

  it('drops clients that send their headers slowly, never finish them, or sit idle', async () => {
    const before = await usage(pid);
    const started = Date.now();
    // 30 slowloris sockets: a header line every 200 ms, forever (bounded by the test: 40 lines at most).
    const slow = await Promise.all(Array.from({ length: 30 }, () => openSocket(server.url)));
    // 10 that connect and say nothing; 10 that finish one request and then sit on the keep-alive connection.
    const silent = await Promise.all(Array.from({ length: 10 }, () => openSocket(server.url)));
    const idle = await Promise.all(Array.from({ length: 10 }, () => openSocket(server.url)));
    const all = [...slow, ...silent, ...idle];
    const closedAt = new Map<object, number>();
    for (const socket of all) {
      socket.on('error', () => {});
      socket.on('data', () => {});
      socket.once('close', () => closedAt.set(socket, Date.now() - started));
    }
    for (const socket of slow) socket.write('GET / HTTP/1.1\r\nHost: x\r\n');
    for (const socket of idle) socket.write('GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n');
    let joinDuring: number | undefined;
    for (let line = 0; line < 40 && closedAt.size < all.length; line++) {
      await new Promise((r) => setTimeout(r, 200));
      for (const socket of slow) if (!socket.destroyed) socket.write(`X-Slow-${line}: a\r\n`);
      if (line === 3) joinDuring = await joinLatencyMs(server.wsUrl, `edge-during-${++rooms}`);
    }
    const times = (sockets: typeof all) => sockets.map((s) => closedAt.get(s) ?? Number.POSITIVE_INFINITY);
    const worst = (sockets: typeof all) => Math.max(...times(sockets));
    console.log(
      `[hostile-http] slow headers closed by ${worst(slow)} ms, silent by ${worst(silent)} ms, ` +
        `idle keep-alive by ${worst(idle)} ms (headers timeout ${HEADERS_TIMEOUT_MS} ms, keep-alive ${KEEP_ALIVE_TIMEOUT_MS} ms)`,
    );
    for (const socket of all) socket.destroy();
    // Node checks its timeouts every 250 ms here; a second of slack for two busy cores.
    expect(worst(slow)).toBeLessThan(REQUEST_TIMEOUT_MS + 1500);
    expect(worst(silent)).toBeLessThan(REQUEST_TIMEOUT_MS + 1500);
    expect(worst(idle)).toBeLessThan(KEEP_ALIVE_TIMEOUT_MS + 1500);
    await stillServing('slow clients', before, joinDuring);
  });

  it('believes X-Forwarded-For only from the trusted proxy', async () => {
    /** The `client` of the first log line that matches, waiting up to a second for the server's output. */
    const loggedField = async (match: (line: string) => boolean): Promise<string | undefined> => {
      for (let i = 0; i < 20; i++) {
        const line = server.logs.find(match);
        if (line) return (JSON.parse(line) as { client?: string }).client;
        await new Promise((r) => setTimeout(r, 50));
      }
      return undefined;
    };
    const before = await usage(pid);
    /** Opens a signalling socket from `localAddress` with `forwardedFor`, and returns the client it was logged as. */
    const loggedClient = async (localAddress: string, forwardedFor: string): Promise<string | undefined> => {
      const marker = `edge-${++rooms}`;
      const ws = new WebSocket(`${server.wsUrl}?${marker}`, {
        localAddress,
        headers: { 'X-Forwarded-For': forwardedFor },
      });
      await new Promise((resolve, reject) => {
        ws.once('open', resolve);
        ws.once('error', reject);
      });
      ws.close();
      return loggedField((l) => l.includes('"websocket upgrade"') && l.includes(marker));
    };
    const cases: [string, string, string][] = [
      [TRUSTED_PROXY, FORWARDED_CLIENT, FORWARDED_CLIENT],
      [TRUSTED_PROXY, `6.6.6.6, ${FORWARDED_CLIENT}`, FORWARDED_CLIENT],
      [TRUSTED_PROXY, 'not-an-address', TRUSTED_PROXY],
      ['127.0.0.1', FORWARDED_CLIENT, '127.0.0.1'],
    ];
    for (const [from, header, expected] of cases) {
      const client = await loggedClient(from, header);
      console.log(`[hostile-http] from ${from} with X-Forwarded-For "${header}": logged client ${client}`);
      expect(client).toBe(expected);
    }
    // HTTP log lines carry the same client.
    const response = await fetch(`${server.url}/healthz?edge-http`, {
      headers: { 'X-Forwarded-For': FORWARDED_CLIENT },
    });
    await response.arrayBuffer();
    expect(await loggedField((l) => l.includes('"http request"') && l.includes('edge-http'))).toBe(
      '127.0.0.1',
    );
    await stillServing('trust proxy', before);
  });
});
