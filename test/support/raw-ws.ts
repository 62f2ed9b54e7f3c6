import { randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';

/** A masked client text frame (RFC 6455), for a socket that speaks WebSocket by hand. */
export function clientTextFrame(text: string): Buffer {
  const payload = Buffer.from(text);
  const mask = randomBytes(4);
  const header =
    payload.length < 126
      ? Buffer.from([0x81, 0x80 | payload.length])
      : Buffer.from([0x81, 0x80 | 126, payload.length >> 8, payload.length & 0xff]);
  const masked = Buffer.alloc(payload.length);
  for (let i = 0; i < payload.length; i++) masked[i] = payload[i]! ^ mask[i % 4]!;
  return Buffer.concat([header, mask, masked]);
}

/**
 * Opens a WebSocket by hand and sends `messages`, then goes silent: it never answers pings, like a browser whose
 * machine lost power. Returns the raw socket so the test can destroy it at the end.
 */
export async function silentClient(url: string, messages: string[]): Promise<Socket> {
  const { hostname, port } = new URL(url);
  const socket = connect(Number(port), hostname);
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  socket.write(
    `GET /ws HTTP/1.1\r\nHost: ${hostname}:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
      `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
  );
  await new Promise<void>((resolve) => socket.once('data', () => resolve()));
  for (const message of messages) socket.write(clientTextFrame(message));
  // Stop reading: pings pile up unanswered in the kernel buffer.
  socket.pause();
  return socket;
}
