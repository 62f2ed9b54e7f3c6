import { connect, createServer } from 'node:net';

/** A TCP port that was free on 127.0.0.1 a moment ago (for a child process we are about to start). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

/**
 * Waits until a child process we started accepts TCP connections on host:port, polling every 100 ms. Throws when
 * the child exits first (`alive` turns false) or the deadline passes; `what` names it in the error.
 */
export async function waitForTcp(options: {
  what: string;
  host: string;
  port: number;
  deadline: number;
  alive: () => boolean;
}): Promise<void> {
  const { what, host, port, deadline, alive } = options;
  while (Date.now() < deadline) {
    if (!alive()) throw new Error(`${what} exited during startup`);
    const ok = await new Promise<boolean>((resolve) => {
      const socket = connect({ host, port, timeout: 500 });
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('timeout', () => {
        socket.destroy();
        resolve(false);
      });
      socket.once('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${what} did not open ${host}:${port} in time`);
}
