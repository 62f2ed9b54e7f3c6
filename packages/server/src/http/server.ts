import {
  createServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
  STATUS_CODES,
} from 'node:http';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import type { Socket } from 'node:net';
import { join } from 'node:path';
import type { Duplex } from 'node:stream';
import { ROOM_NAME_PATTERN } from '@backdrop/protocol';
import type { Logger } from '../logger.js';
import { clientAddress } from './client-address.js';
import { type OriginPolicy, originRefusal } from './origin.js';
import { type CachePolicy, isHashedAsset, resolveInside, sendFile } from './static.js';

/**
 * Headers on every response. COOP/COEP make the app cross-origin isolated (SharedArrayBuffer, wasm threads);
 * the CSP keeps every byte the page sends on our own origin, part of the "background never leaves the device"
 * promise.
 */
export const SECURITY_HEADERS: Record<string, string> = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Content-Security-Policy':
    "default-src 'self'; script-src 'self' 'wasm-unsafe-eval' 'unsafe-eval'; style-src 'self' 'unsafe-inline'; " +
    "img-src 'self' blob: data:; media-src 'self' blob: mediastream:; connect-src 'self' blob: data:; " +
    "worker-src 'self' blob:; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
};

/**
 * Sent over TLS (or when PUBLIC_URL is https, for a proxy that terminates TLS; browsers ignore it on plain
 * http). A year, without includeSubDomains: other names under the same domain are not ours to decide.
 */
export const HSTS_HEADER = 'max-age=31536000';

/** A plain HTTP server, or HTTPS when TLS_CERT/TLS_KEY are given: same routes, limits and timeouts. */
export type WebServer = Server | HttpsServer;

export interface HttpOptions {
  staticDir: string;
  logger: Logger;
  health: () => Record<string, unknown>;
  /** Proxies whose X-Forwarded-For is believed (config `trustProxy`); unset: the peer address is the client. */
  trustProxy?: readonly string[] | undefined;
  /** Slow clients: headers, whole request, idle keep-alive (config `http*TimeoutMs`). */
  headersTimeoutMs: number;
  requestTimeoutMs: number;
  keepAliveTimeoutMs: number;
  /** TCP connections held at once (signalling sockets included); new ones past it are closed at once. */
  maxConnections: number;
  /** Serve HTTPS and WSS with this certificate chain and key (PEM); plain HTTP if unset. */
  tls?: { cert: Buffer; key: Buffer } | undefined;
  /** Send Strict-Transport-Security on every response. */
  hsts: boolean;
  /** Which pages may open the signalling WebSocket (PUBLIC_URL's origin, or this host). */
  originPolicy: OriginPolicy;
  /** A WebSocket upgrade at /ws that passed the origin check; `clientAddress` is who it came from. */
  onUpgrade: (request: IncomingMessage, socket: Duplex, head: Buffer, clientAddress: string) => void;
}

/** Request targets are logged, but only this much of them: an attacker chooses their length. */
const LOGGED_TARGET_CHARS = 200;

function loggedTarget(target: string | undefined): string | undefined {
  return target && target.length > LOGGED_TARGET_CHARS ? `${target.slice(0, LOGGED_TARGET_CHARS)}…` : target;
}

/**
 * The path of a request target, or undefined if it is not one. An origin-form target (`/x`) is always read as
 * a path, even `//[` which `new URL(target, base)` would take for a host; an absolute-form target must parse.
 */
export function requestPath(target: string | undefined): string | undefined {
  if (!target) return undefined;
  try {
    if (target.startsWith('/')) return new URL(`http://localhost${target}`).pathname;
    const url = new URL(target);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.pathname : undefined;
  } catch {
    return undefined;
  }
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function errorPage(res: ServerResponse, status: number, title: string, detail: string): void {
  const body = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)} - Backdrop</title>
<meta name="viewport" content="width=device-width,initial-scale=1">
<style>body{font-family:system-ui,sans-serif;background:#111418;color:#e8eaed;display:grid;place-items:center;min-height:100vh;margin:0}
main{max-width:32rem;padding:2rem}a{color:#8ab4f8}</style></head>
<body><main><h1>${escapeHtml(title)}</h1><p>${escapeHtml(detail)}</p><p><a href="/">Back to Backdrop</a></p></main></body></html>`;
  res.writeHead(status, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' });
  res.end(body);
}

/** A request refused before routing: plain status, the connection closed (its framing may not be trusted). */
function refuse(res: ServerResponse, status: number, headers: Record<string, string> = {}): void {
  res.shouldKeepAlive = false;
  res.writeHead(status, {
    'Content-Type': 'text/plain; charset=utf-8',
    'Cache-Control': 'no-store',
    ...headers,
  });
  res.end(`${STATUS_CODES[status] ?? 'Error'}\n`);
}

/** Writes a bare HTTP response on a socket the HTTP parser gave up (upgrade or client error) and closes it. */
function refuseRaw(socket: Duplex, status: number): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`,
  );
  // A peer that never reads must not keep the socket: end() waits for the write to drain.
  setTimeout(() => socket.destroy(), 2000).unref();
}

const APP_NOT_BUILT = ['App not built', 'Run npm start to build the web app.'] as const;

async function route(
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  options: HttpOptions,
): Promise<void> {
  if (path === '/healthz') {
    const health = options.health();
    // 503 while Janus is down or the server drains, so a load balancer stops sending people here.
    res.writeHead(health.ok === false ? 503 : 200, {
      'Content-Type': 'application/json',
      'Cache-Control': 'no-store',
    });
    res.end(JSON.stringify(health));
    return;
  }
  const index = join(options.staticDir, 'index.html');
  if (path === '/' || path === '/index.html') {
    if (!(await sendFile(req, res, index, 'revalidate'))) errorPage(res, 500, ...APP_NOT_BUILT);
    return;
  }
  if (path.startsWith('/r/')) {
    const room = path.slice(3);
    if (!ROOM_NAME_PATTERN.test(room)) {
      errorPage(
        res,
        400,
        'Not a valid room link',
        'Room names are 1 to 64 characters: lowercase letters a-z, digits 0-9 and hyphens.',
      );
      return;
    }
    if (!(await sendFile(req, res, index, 'revalidate'))) errorPage(res, 500, ...APP_NOT_BUILT);
    return;
  }
  const file = resolveInside(options.staticDir, path);
  const cache: CachePolicy = isHashedAsset(path) ? 'immutable' : 'revalidate';
  if (file && (await sendFile(req, res, file, cache))) return;
  errorPage(res, 404, 'Not found', `Nothing lives at ${path}.`);
}

/** True for the error a stream pipeline reports when the client went away mid-response. */
function isClientAbort(error: unknown): boolean {
  const code = (error as { code?: unknown } | undefined)?.code;
  return code === 'ERR_STREAM_PREMATURE_CLOSE' || code === 'ECONNRESET' || code === 'EPIPE';
}

function handleRequest(req: IncomingMessage, res: ServerResponse, options: HttpOptions): void {
  const client = clientAddress(req.socket.remoteAddress, req.headers['x-forwarded-for'], options.trustProxy);
  const log = options.logger.child({ client, method: req.method, url: loggedTarget(req.url) });
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) res.setHeader(name, value);
  if (options.hsts) res.setHeader('Strict-Transport-Security', HSTS_HEADER);
  res.on('finish', () => log.debug({ status: res.statusCode }, 'http request'));

  const path = requestPath(req.url);
  if (path === undefined) {
    log.info({ status: 400, reason: 'malformed request target' }, 'http request refused');
    refuse(res, 400);
    return;
  }
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    log.info({ status: 405, reason: 'only GET and HEAD are served' }, 'http request refused');
    refuse(res, 405, { Allow: 'GET, HEAD' });
    return;
  }
  const length = req.headers['content-length'];
  if ((length !== undefined && length !== '0') || req.headers['transfer-encoding'] !== undefined) {
    log.info({ status: 413, reason: 'a GET or HEAD request with a body' }, 'http request refused');
    refuse(res, 413);
    return;
  }
  route(req, res, path, options).catch((error: unknown) => {
    if (isClientAbort(error)) {
      log.debug({ status: res.statusCode }, 'http client went away mid-response');
      return;
    }
    log.error({ err: error }, 'http request failed');
    if (!res.headersSent) errorPage(res, 500, 'Server error', 'Something went wrong on our side.');
    else res.destroy();
  });
}

/** Why an upgrade request is refused, or undefined if it may go on to the WebSocket handshake. */
function upgradeRefusal(
  request: IncomingMessage,
  policy: OriginPolicy,
): { status: number; reason: string } | undefined {
  const path = requestPath(request.url);
  if (path === undefined) return { status: 400, reason: 'malformed request target' };
  if (path !== '/ws') return { status: 404, reason: 'websocket upgrades are served at /ws only' };
  if (request.method !== 'GET') return { status: 405, reason: 'a websocket upgrade must be a GET' };
  const refusal = originRefusal({ origin: request.headers.origin, host: request.headers.host }, policy);
  return refusal === undefined ? undefined : { status: 403, reason: refusal };
}

function handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer, options: HttpOptions): void {
  const client = clientAddress(
    request.socket.remoteAddress,
    request.headers['x-forwarded-for'],
    options.trustProxy,
  );
  const log = options.logger.child({ client, method: request.method, url: loggedTarget(request.url) });
  // Until the WebSocket library takes the socket, its errors (a reset mid-handshake) are ours to swallow.
  const onError = (error: Error) => log.debug({ err: error }, 'upgrade socket error');
  socket.on('error', onError);
  const refusal = upgradeRefusal(request, options.originPolicy);
  if (refusal) {
    log.info({ status: refusal.status, reason: refusal.reason }, 'websocket upgrade refused');
    refuseRaw(socket, refusal.status);
    return;
  }
  log.debug('websocket upgrade');
  try {
    options.onUpgrade(request, socket, head, client);
  } catch (error) {
    log.error({ err: error }, 'websocket upgrade failed');
    refuseRaw(socket, 500);
  }
}

/**
 * The HTTP(S) server: the built web app, room links, a health check, and the signalling WebSocket upgrade at
 * /ws. With `tls` it is HTTPS and WSS on the same port; plain HTTP sent to it gets no answer (a failed TLS
 * handshake closes the connection).
 */
export function createHttpServer(options: HttpOptions): WebServer {
  const headersTimeout = Math.min(options.headersTimeoutMs, options.requestTimeoutMs);
  const httpOptions = {
    headersTimeout,
    requestTimeout: options.requestTimeoutMs,
    keepAliveTimeout: options.keepAliveTimeoutMs,
    // How often Node looks for connections past those timeouts (its default, 30 s, would let them linger).
    connectionsCheckingInterval: Math.max(100, Math.min(1000, Math.floor(headersTimeout / 4))),
  };
  const onRequest = (req: IncomingMessage, res: ServerResponse) => handleRequest(req, res, options);
  const server: WebServer = options.tls
    ? createHttpsServer(
        {
          ...httpOptions,
          cert: options.tls.cert,
          key: options.tls.key,
          // The HTTP timeouts start after the handshake; a client stalling in it (Node's default allows 120 s)
          // is cut off as soon as one that stalls in its headers.
          handshakeTimeout: headersTimeout,
          minVersion: 'TLSv1.2',
        },
        onRequest,
      )
    : createServer(httpOptions, onRequest);
  if (options.tls) {
    // Scanners, plain HTTP on this port, clients that distrust the certificate: the handshake fails and the
    // socket is closed. Common and harmless, so debug.
    server.on('tlsClientError', (error: NodeJS.ErrnoException, socket: Socket) => {
      options.logger.debug(
        {
          client: clientAddress(socket.remoteAddress, undefined, undefined),
          err: error.code ?? error.message,
        },
        'tls handshake failed',
      );
      socket.destroy();
    });
  }
  server.maxConnections = options.maxConnections;
  let lastDropLogMs = 0;
  server.on('drop', (info) => {
    // At most one line a second: a flood past the cap must not flood the log too.
    const nowMs = Date.now();
    if (nowMs - lastDropLogMs < 1000) return;
    lastDropLogMs = nowMs;
    options.logger.warn(
      { client: info?.remoteAddress, maxConnections: options.maxConnections },
      'connection refused: the server holds its maximum of connections',
    );
  });
  server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) =>
    handleUpgrade(request, socket, head, options),
  );
  // A request the parser could not read (bad request line or header, headers too big, too slow): answer the
  // status that says why, then close. Without this listener Node answers silently; with it, we log the reason.
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Socket) => {
    const status =
      error.code === 'HPE_HEADER_OVERFLOW' ? 431 : error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
    const client = clientAddress(socket.remoteAddress, undefined, undefined);
    if (error.code === 'ECONNRESET' || error.code === 'EPIPE') {
      options.logger.debug({ client, err: error.code }, 'http client reset the connection');
      socket.destroy();
      return;
    }
    options.logger.info({ client, status, reason: error.code ?? error.message }, 'http request refused');
    refuseRaw(socket, status);
  });
  return server;
}
