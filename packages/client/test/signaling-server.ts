import type { AddressInfo } from 'node:net';
import { type WebSocket as ServerSocket, WebSocket, WebSocketServer } from 'ws';

/**
 * A scripted signalling server on 127.0.0.1 for the SDK's Node tests: `onConnection` decides what each socket
 * is told. It stands in for the real server at the WebSocket boundary only (no rooms, no Janus).
 */
export async function startSignalingServer(
  onConnection: (
    socket: ServerSocket,
    received: (type: string) => Promise<{ id?: number }>,
    /** The request target the socket opened (`/ws?node=b`). */
    target: string,
  ) => void,
): Promise<{ url: string; close(): Promise<void> }> {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((resolve) => server.once('listening', resolve));
  server.on('connection', (socket, request) => {
    const inbox: { type: string; id?: number }[] = [];
    const waiters: { type: string; resolve(m: { id?: number }): void }[] = [];
    socket.on('message', (data) => {
      const message = JSON.parse(String(data)) as { type: string; id?: number };
      const waiter = waiters.findIndex((w) => w.type === message.type);
      if (waiter >= 0) waiters.splice(waiter, 1)[0]!.resolve(message);
      else inbox.push(message);
    });
    const received = (type: string) =>
      new Promise<{ id?: number }>((resolve) => {
        const queued = inbox.findIndex((m) => m.type === type);
        if (queued >= 0) resolve(inbox.splice(queued, 1)[0]!);
        else waiters.push({ type, resolve });
      });
    onConnection(socket, received, request.url ?? '');
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `ws://127.0.0.1:${port}/ws`,
    close: () =>
      new Promise((resolve) => {
        for (const client of server.clients) client.terminate();
        server.close(() => resolve());
      }),
  };
}

/** The SDK runs in browsers; in Node it gets the `ws` client as its WebSocket (Node 20 has none built in). */
export function installWebSocket(): void {
  (globalThis as { WebSocket?: unknown }).WebSocket ??= WebSocket;
}
