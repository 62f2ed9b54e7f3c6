import type { AddressInfo } from 'node:net';
import { connect, createServer, type Server, type Socket } from 'node:net';

/**
 * A TCP proxy on 127.0.0.1 in front of one port, for one browser: the test can cut that browser's signalling
 * socket (both ends destroyed, so the browser sees 1006 and the server a lost socket) and refuse new
 * connections for a while, without touching media (which does not pass through here).
 */
export interface TcpProxy {
  /** `http://127.0.0.1:<port>`: open the app here so its `/ws` goes through the proxy. */
  url: string;
  /** Destroys every connection that carried a WebSocket upgrade to `/ws`; returns how many. */
  cutSignalling(): number;
  /** Until `until` (a Date.now() time), new connections are accepted and destroyed at once. */
  refuseUntil(until: number): void;
  close(): Promise<void>;
}

export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const pairs = new Set<{ client: Socket; upstream: Socket; signalling: boolean }>();
  let refusing = 0;
  const server: Server = createServer((client) => {
    if (Date.now() < refusing) {
      client.destroy();
      return;
    }
    const upstream = connect(target.port, target.host);
    const pair = { client, upstream, signalling: false };
    pairs.add(pair);
    client.on('data', (chunk: Buffer) => {
      // An upgrade starts a request on its own connection; a keep-alive connection may carry it later.
      if (!pair.signalling && chunk.subarray(0, 8).toString('latin1') === 'GET /ws ') pair.signalling = true;
    });
    client.pipe(upstream);
    upstream.pipe(client);
    const drop = () => {
      client.destroy();
      upstream.destroy();
      pairs.delete(pair);
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    cutSignalling() {
      let cut = 0;
      for (const pair of [...pairs]) {
        if (!pair.signalling) continue;
        // resetAndDestroy sends RST: no close frame, no FIN handshake, like a network that went away.
        pair.client.resetAndDestroy();
        pair.upstream.resetAndDestroy();
        pairs.delete(pair);
        cut++;
      }
      return cut;
    },
    refuseUntil(until) {
      refusing = until;
    },
    close: () =>
      new Promise((resolve) => {
        for (const { client, upstream } of pairs) {
          client.destroy();
          upstream.destroy();
        }
        pairs.clear();
        server.close(() => resolve());
      }),
  };
}
