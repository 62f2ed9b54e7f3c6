import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { join } from 'node:path';
import { ROOM_NAME_PATTERN } from '@backdrop/protocol';
import type { Logger } from '../logger.js';
import { resolveInside, sendFile } from './static.js';

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

export interface HttpOptions {
  staticDir: string;
  logger: Logger;
  health: () => Record<string, unknown>;
  /** A WebSocket upgrade at /ws that passed the origin check; `clientAddress` is who it came from. */
  onUpgrade: (
    request: IncomingMessage,
    socket: import('node:stream').Duplex,
    head: Buffer,
    clientAddress: string,
  ) => void;
}

function safeHost(origin: string): string | undefined {
  try {
    return new URL(origin).host;
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

async function route(req: IncomingMessage, res: ServerResponse, options: HttpOptions): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const path = url.pathname;
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { Allow: 'GET, HEAD' }).end();
    return;
  }
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
    if (!(await sendFile(res, index, 'none')))
      errorPage(res, 500, 'App not built', 'Run npm start to build the web app.');
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
    if (!(await sendFile(res, index, 'none')))
      errorPage(res, 500, 'App not built', 'Run npm start to build the web app.');
    return;
  }
  const file = resolveInside(options.staticDir, path);
  if (file && (await sendFile(res, file, path.startsWith('/assets/') ? 'immutable' : 'none'))) return;
  errorPage(res, 404, 'Not found', `Nothing lives at ${path}.`);
}

/** The HTTP server: the built web app, room links, a health check, and the signalling WebSocket upgrade at /ws. */
export function createHttpServer(options: HttpOptions): Server {
  const server = createServer((req, res) => {
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) res.setHeader(name, value);
    route(req, res, options).catch((error: unknown) => {
      options.logger.error({ err: error, url: req.url }, 'http request failed');
      if (!res.headersSent) errorPage(res, 500, 'Server error', 'Something went wrong on our side.');
      else res.destroy();
    });
  });
  server.on('upgrade', (request, socket, head) => {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    if (path !== '/ws') {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
      return;
    }
    // A browser page on another site must not be able to drive a user's signalling socket.
    const origin = request.headers.origin;
    if (origin !== undefined && safeHost(origin) !== request.headers.host) {
      socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\n\r\n');
      return;
    }
    options.onUpgrade(request, socket, head, request.socket.remoteAddress ?? 'unknown');
  });
  return server;
}
