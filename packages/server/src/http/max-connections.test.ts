import { mkdtemp, rm } from 'node:fs/promises';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, expect, it } from 'vitest';
import { createHttpServer, type WebServer } from './server.js';

let server: WebServer | undefined;
let dir: string | undefined;
const sockets: Socket[] = [];
afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy();
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** Opens a TCP connection and resolves with whether the server closed it within `ms` (it says nothing). */
function closedWithin(port: number, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    sockets.push(socket);
    const timer = setTimeout(() => resolve(false), ms);
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(true);
    });
    socket.on('error', () => {});
  });
}

it('holds at most HTTP_MAX_CONNECTIONS connections: the next one is closed at once, then one fits again', async () => {
  dir = await mkdtemp(join(tmpdir(), 'backdrop-http-'));
  server = createHttpServer({
    staticDir: dir,
    logger: pino({ level: 'silent' }),
    health: () => ({}),
    headersTimeoutMs: 10_000,
    requestTimeoutMs: 30_000,
    keepAliveTimeoutMs: 5_000,
    maxConnections: 2,
    hsts: false,
    originPolicy: { kind: 'same-host', hostNames: [] },
    onUpgrade: () => {},
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  expect(await closedWithin(port, 300)).toBe(false);
  expect(await closedWithin(port, 300)).toBe(false);
  expect(await closedWithin(port, 1000)).toBe(true);
  sockets[0]!.destroy();
  await new Promise((resolve) => setTimeout(resolve, 100));
  expect(await closedWithin(port, 300)).toBe(false);
});
