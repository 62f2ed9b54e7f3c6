import { type IncomingHttpHeaders, request } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Socket } from 'node:net';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { freePort } from '../packages/server/src/support/tcp.js';
import { type LaunchedBrowser, launchChromium } from './support/chromium.js';
import { openSocket, rawRequest } from './support/hostile-http.js';
import { poll } from './support/poll.js';
import { settledFds, usage } from './support/process.js';
import { startTestServer, type TestServer } from './support/server.js';
import { type SelfSignedCert, selfSignedCert } from './support/tls-cert.js';

/** The name users type; the browsers and this test map it to 127.0.0.1. */
const NAME = 'meet.test';
const HEADERS_TIMEOUT_MS = 2000;
/**
 * PUBLIC_IP for Janus's nat_1_1_mapping: a documentation address with no route inside the test's network
 * namespace, so checks to it fail at once and media must use the private host candidate Janus keeps.
 */
const PUBLIC_IP = '198.51.100.7';

type JoinResult = { joinedMs: number } | { status: number };

/**
 * Opens the signalling socket with the given Origin/Host (as a browser page on that origin would) and joins
 * `room`: how long `joined` took, or the HTTP status that refused the upgrade.
 */
function tryJoin(
  wsUrl: string,
  room: string,
  options: { ca?: Buffer; origin?: string; host?: string },
): Promise<JoinResult> {
  const started = Date.now();
  const ws = new WebSocket(wsUrl, {
    ...(options.ca ? { ca: options.ca } : {}),
    ...(options.origin ? { origin: options.origin } : {}),
    ...(options.host ? { headers: { Host: options.host } } : {}),
    handshakeTimeout: 3000,
  });
  return new Promise<JoinResult>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no answer within 5 s')), 5000);
    const done = (result: JoinResult) => {
      clearTimeout(timer);
      resolve(result);
      ws.terminate();
    };
    ws.on('unexpected-response', (_request, response) => done({ status: response.statusCode ?? 0 }));
    ws.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    ws.on('open', () => ws.send(JSON.stringify({ type: 'join', id: 1, room, name: 'Node client' })));
    ws.on('message', (data) => {
      const message = JSON.parse(data.toString()) as { type: string; code?: string };
      if (message.type === 'joined') done({ joinedMs: Date.now() - started });
      else if (message.type === 'error') reject(new Error(`join refused: ${message.code}`));
    });
  });
}

interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/** GET over HTTPS, trusting `ca` and nothing else (so the certificate really is checked). */
function httpsGet(url: string, ca: Buffer): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(url, { ca, timeout: 5000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: Buffer.concat(chunks).toString(),
        }),
      );
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end();
  });
}

async function healthyOverTls(url: string, ca: Buffer): Promise<boolean> {
  const reply = await httpsGet(`${url}/healthz`, ca);
  return reply.status === 200 && (JSON.parse(reply.body) as { ok?: boolean }).ok === true;
}

describe('HTTPS and WSS with TLS_CERT, TLS_KEY and PUBLIC_URL (and PUBLIC_IP for Janus)', () => {
  let cert: SelfSignedCert;
  let server: TestServer;
  let port: number;
  let publicUrl: string;
  const browsers: LaunchedBrowser[] = [];

  beforeAll(async () => {
    cert = await selfSignedCert([NAME, 'localhost']);
    port = await freePort();
    publicUrl = `https://${NAME}:${port}`;
    server = await startTestServer({
      PORT: String(port),
      TLS_CERT: cert.certFile,
      TLS_KEY: cert.keyFile,
      PUBLIC_URL: publicUrl,
      HTTP_HEADERS_TIMEOUT_MS: String(HEADERS_TIMEOUT_MS),
      PUBLIC_IP,
    });
  });

  afterAll(async () => {
    await Promise.all(browsers.map((b) => b.close()));
    await server?.stop();
    await cert?.remove();
  });

  it('listens on https and says so, with PUBLIC_URL as the address users see', () => {
    expect(server.url).toBe(`https://127.0.0.1:${port}`);
    const line = server.logs.find((l) => l.includes('backdrop listening'));
    expect(line).toContain(`"publicUrl":"${publicUrl}"`);
    expect(server.logs.some((l) => l.includes('serving https and wss') && l.includes(`CN=${NAME}`))).toBe(
      true,
    );
  });

  it('serves the app over HTTPS, with HSTS and the usual security headers', async () => {
    const page = await httpsGet(`${server.url}/`, cert.cert);
    expect(page.status).toBe(200);
    expect(page.body).toContain('<!doctype html>');
    expect(page.headers['strict-transport-security']).toBe('max-age=31536000');
    expect(page.headers['cross-origin-opener-policy']).toBe('same-origin');
    expect(await healthyOverTls(server.url, cert.cert)).toBe(true);
  });

  it('lets a WSS client from PUBLIC_URL join', async () => {
    const result = await tryJoin(server.wsUrl, 'tls-check', { ca: cert.cert, origin: publicUrl });
    console.log(`[https] WSS join from ${publicUrl}: ${JSON.stringify(result)}`);
    expect(result).toHaveProperty('joinedMs');
    expect((result as { joinedMs: number }).joinedMs).toBeLessThan(2000);
  });

  it('refuses every other origin with 403, a DNS-rebound name included', async () => {
    const refused = [
      { origin: 'https://evil.example' },
      // DNS rebinding: the attacker's name now points at us, so its page's Origin matches the Host it sends.
      { origin: `https://rebind.evil.example:${port}`, host: `rebind.evil.example:${port}` },
      { origin: `http://${NAME}:${port}` },
      { origin: `https://127.0.0.1:${port}`, host: `127.0.0.1:${port}` },
    ];
    for (const headers of refused) {
      const result = await tryJoin(server.wsUrl, 'tls-check', { ca: cert.cert, ...headers });
      expect(result, JSON.stringify(headers)).toEqual({ status: 403 });
    }
    // Every refusal says why in the log (read from the server's pipe, so it may lag the 403 a little).
    await poll('a logged reason for every refusal', 2000, async () =>
      server.logs.filter((l) => l.includes('origin is not PUBLIC_URL')).length === refused.length
        ? true
        : undefined,
    );
  });

  it('gives plain HTTP and stalled handshakes nothing, closes them, and keeps serving', async () => {
    const pid = server.process.pid!;
    const before = await usage(pid);
    // Plain HTTP on the TLS port: the handshake fails, the connection is closed, no page is sent.
    const plain = await Promise.all(
      Array.from({ length: 40 }, () =>
        rawRequest(server.url, `GET / HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n\r\n`, 3000),
      ),
    );
    for (const reply of plain) {
      expect(reply.status).toBe(undefined);
      expect(reply.closed).toBe(true);
    }
    // Connections that never start the handshake are cut at the headers timeout, not Node's 120 s default.
    const stalled: Socket[] = await Promise.all(Array.from({ length: 40 }, () => openSocket(server.url)));
    const opened = Date.now();
    const closedAfter = stalled.map(
      (socket) =>
        new Promise<number>((resolve) => {
          socket.on('error', () => {});
          socket.once('close', () => resolve(Date.now() - opened));
        }),
    );
    // A normal participant joins while they hang.
    const during = await tryJoin(server.wsUrl, 'tls-check', { ca: cert.cert, origin: publicUrl });
    const waits = await Promise.race([
      Promise.all(closedAfter),
      new Promise<never>((_, reject) =>
        setTimeout(() => reject(new Error('stalled sockets still open')), 10_000),
      ),
    ]);
    for (const socket of stalled) socket.destroy();
    const after = { rssKiB: (await usage(pid)).rssKiB, fds: await settledFds(pid, before.fds + 2) };
    console.log(
      `[https] 40 plain-HTTP requests (closed after ${Math.min(...plain.map((r) => r.ms))}-${Math.max(...plain.map((r) => r.ms))} ms), ` +
        `40 stalled handshakes (closed after ${Math.min(...waits)}-${Math.max(...waits)} ms, headers timeout ${HEADERS_TIMEOUT_MS} ms); ` +
        `join during the stall ${JSON.stringify(during)}; RSS ${before.rssKiB} -> ${after.rssKiB} KiB, fds ${before.fds} -> ${after.fds}`,
    );
    expect(during).toHaveProperty('joinedMs');
    expect((during as { joinedMs: number }).joinedMs).toBeLessThan(2000);
    expect(Math.max(...waits)).toBeLessThan(HEADERS_TIMEOUT_MS + 2000);
    expect(after.fds).toBeLessThanOrEqual(before.fds + 2);
    expect(after.rssKiB).toBeLessThan(before.rssKiB + 32 * 1024);
    expect(await healthyOverTls(server.url, cert.cert)).toBe(true);
  });

  it('runs a call in Chromium on https://meet.test: a secure context, camera and media through Janus', async () => {
    const pages: Page[] = [];
    for (const name of ['Alice', 'Bob']) {
      const browser = await launchChromium({
        extraArgs: ['--ignore-certificate-errors', `--host-resolver-rules=MAP ${NAME} 127.0.0.1`],
      });
      browsers.push(browser);
      // Record every candidate the page is given (in SDP or trickled), to see what Janus advertises.
      await browser.context.addInitScript(() => {
        const seen: string[] = [];
        (window as unknown as { remoteCandidates: string[] }).remoteCandidates = seen;
        const proto = RTCPeerConnection.prototype;
        const setRemote = proto.setRemoteDescription;
        proto.setRemoteDescription = function (
          this: RTCPeerConnection,
          description: RTCSessionDescriptionInit,
        ) {
          for (const line of description?.sdp?.split(/\r?\n/) ?? [])
            if (line.startsWith('a=candidate:')) seen.push(line.slice(2));
          return Reflect.apply(setRemote, this, [description]) as Promise<void>;
        };
        const addCandidate = proto.addIceCandidate;
        proto.addIceCandidate = function (this: RTCPeerConnection, candidate?: RTCIceCandidateInit | null) {
          if (candidate?.candidate) seen.push(candidate.candidate);
          return Reflect.apply(addCandidate, this, [candidate]) as Promise<void>;
        };
      });
      const page = await browser.context.newPage();
      page.on('pageerror', (error) => console.error(`[${name}] page error`, error));
      await page.goto(`${publicUrl}/r/tls-call?name=${name}&autojoin=1`);
      pages.push(page);
    }
    const started = Date.now();
    for (const page of pages) {
      // Only https makes a page on meet.test a secure context: getUserMedia exists only there.
      expect(await page.evaluate(() => [window.isSecureContext, location.protocol])).toEqual([
        true,
        'https:',
      ]);
      const first = await poll('a decoding remote tile', 60_000, () =>
        page.evaluate(() => {
          const video = document.querySelector<HTMLVideoElement>('video[data-participant-name]');
          const frames = video?.getVideoPlaybackQuality().totalVideoFrames ?? 0;
          return frames > 0 ? frames : undefined;
        }),
      );
      await poll('remote frames to keep coming', 30_000, () =>
        page.evaluate(
          (earlier) =>
            (document
              .querySelector<HTMLVideoElement>('video[data-participant-name]')
              ?.getVideoPlaybackQuality().totalVideoFrames ?? 0) >=
            earlier + 10
              ? true
              : undefined,
          first,
        ),
      );
    }
    console.log(
      `[https] two Chromium pages on ${publicUrl} see each other's video ${Date.now() - started} ms after loading`,
    );
    // PUBLIC_IP reached Janus as nat_1_1_mapping: its candidates carry the public address, and the private one
    // is kept (the media above could only flow through that one).
    const candidates = await pages[0]!.evaluate(
      () => (window as unknown as { remoteCandidates: string[] }).remoteCandidates,
    );
    console.log(`[https] Janus's candidates at Alice: ${[...new Set(candidates)].join(' | ')}`);
    expect(candidates.some((c) => c.includes(` ${PUBLIC_IP} `) && c.includes('typ host'))).toBe(true);
    expect(candidates.some((c) => c.includes(' 127.0.0.1 ') && c.includes('typ host'))).toBe(true);
  });
});

describe('without PUBLIC_URL and TLS (and with a STUN server that does not answer)', () => {
  let server: TestServer;
  let port: string;
  let stunPort: number;

  beforeAll(async () => {
    // Nothing listens there: Janus's start-up STUN test gets no answer.
    stunPort = await freePort();
    server = await startTestServer({ JANUS_STUN_SERVER: `127.0.0.1:${stunPort}` });
    port = new URL(server.url).port;
  });

  it('starts Janus anyway, without STUN, and is healthy', async () => {
    expect(
      server.logs.some((l) =>
        l.includes(`Invalid STUN address 127.0.0.1:${stunPort}. STUN will be disabled`),
      ),
    ).toBe(true);
    const health = (await (await fetch(`${server.url}/healthz`)).json()) as { ok?: boolean };
    expect(health.ok).toBe(true);
  });

  afterAll(async () => {
    await server?.stop();
  });

  it('accepts a page on an IP address or localhost', async () => {
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`]) {
      const result = await tryJoin(server.wsUrl, 'origin-check', { origin: `http://${host}`, host });
      expect(result, host).toHaveProperty('joinedMs');
    }
  });

  it('refuses a page on a name that could be rebound to us, and another site', async () => {
    const rebound = `rebind.evil.example:${port}`;
    expect(
      await tryJoin(server.wsUrl, 'origin-check', { origin: `http://${rebound}`, host: rebound }),
    ).toEqual({
      status: 403,
    });
    expect(await tryJoin(server.wsUrl, 'origin-check', { origin: 'http://evil.example' })).toEqual({
      status: 403,
    });
    for (const reason of ['host is not an IP address, localhost or HOST', 'origin is not this host'])
      await poll(`"${reason}" in the log`, 2000, async () =>
        server.logs.some((l) => l.includes(reason)) ? true : undefined,
      );
  });

  it('serves no HSTS over plain http', async () => {
    const headers = await new Promise<IncomingHttpHeaders>((resolve, reject) => {
      request(`${server.url}/healthz`, (res) => {
        res.resume();
        resolve(res.headers);
      })
        .on('error', reject)
        .end();
    });
    expect(headers['strict-transport-security']).toBe(undefined);
  });
});

describe('a certificate that cannot be used', () => {
  it('stops the start with exit code 2 and a line naming the setting', async () => {
    const cert = await selfSignedCert(['localhost']);
    const other = await selfSignedCert(['localhost']);
    try {
      await expect(
        startTestServer({ TLS_CERT: `${cert.dir}/missing.pem`, TLS_KEY: cert.keyFile }),
      ).rejects.toThrow(/exited with 2[\s\S]*TLS_CERT \(.*missing\.pem\): cannot read it \(ENOENT\)/);
      await expect(startTestServer({ TLS_CERT: cert.certFile, TLS_KEY: other.keyFile })).rejects.toThrow(
        /exited with 2[\s\S]*TLS_KEY .*does not match the certificate/,
      );
    } finally {
      await cert.remove();
      await other.remove();
    }
  });
});
