import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize } from 'node:path';
import { type WebSocket, WebSocketServer } from 'ws';

export const DIST = join(import.meta.dirname, '../dist');

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.jpg': 'image/jpeg',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.tflite': 'application/octet-stream',
  '.map': 'application/json',
};

export interface StaticServer {
  url: string;
  close(): Promise<void>;
}

/** A scripted signalling endpoint: gets each socket on `/ws` and each message it sends, parsed. */
export type FakeSignaling = (
  socket: WebSocket,
  onMessage: (handle: (m: FakeMessage) => void) => void,
) => void;
export interface FakeMessage {
  type: string;
  id?: number;
}

/**
 * Serves the built app the way the real server does (index.html for `/` and `/r/<room>`, COOP/COEP on every
 * response). With no `signaling`, there is no signalling endpoint, so a join fails: enough to test the pages
 * without Janus. With it, `/ws` is that script (to show how the app explains the server's refusals).
 */
export async function serveDist(signaling?: FakeSignaling): Promise<StaticServer> {
  if (!existsSync(join(DIST, 'index.html')))
    throw new Error('the app is not built: run `npm run build` first');
  const server: Server = createServer(async (req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const file = path === '/' || path.startsWith('/r/') ? 'index.html' : normalize(path).replace(/^\/+/, '');
    res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
    res.setHeader('Cross-Origin-Embedder-Policy', 'require-corp');
    try {
      if (file.startsWith('..')) throw new Error('outside dist');
      const body = await readFile(join(DIST, file));
      res.writeHead(200, { 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream' });
      res.end(body);
    } catch {
      res.writeHead(404).end('not found');
    }
  });
  const sockets = new WebSocketServer({ noServer: true });
  server.on('upgrade', (req, socket, head) => {
    if (!signaling || !req.url?.startsWith('/ws')) {
      socket.destroy();
      return;
    }
    sockets.handleUpgrade(req, socket, head, (ws) =>
      signaling(ws, (handle) => ws.on('message', (data) => handle(JSON.parse(String(data)) as FakeMessage))),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve) => {
        for (const ws of sockets.clients) ws.terminate();
        sockets.close();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
