import { connect, type Socket } from 'node:net';
import WebSocket from 'ws';

function hostPort(url: string): { host: string; port: number } {
  const { hostname, port } = new URL(url);
  return { host: hostname, port: Number(port) };
}

export async function openSocket(url: string, localAddress?: string): Promise<Socket> {
  const socket = connect({ ...hostPort(url), ...(localAddress ? { localAddress } : {}) });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  return socket;
}

export interface RawReply {
  /** The first line the server sent, e.g. `HTTP/1.1 400 Bad Request`, or '' if it sent nothing. */
  statusLine: string;
  status: number | undefined;
  /** True if the server closed the connection before `timeoutMs`. */
  closed: boolean;
  ms: number;
}

/** Sends raw bytes on a fresh TCP connection and reads until the server closes it (or `timeoutMs`). */
export async function rawRequest(url: string, bytes: string | Buffer, timeoutMs = 3000): Promise<RawReply> {
  const started = Date.now();
  const socket = await openSocket(url);
  const chunks: Buffer[] = [];
  socket.on('data', (chunk: Buffer) => chunks.push(chunk));
  socket.on('error', () => {});
  socket.write(bytes);
  const closed = await new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => resolve(false), timeoutMs);
    socket.once('close', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
  socket.destroy();
  const statusLine = Buffer.concat(chunks).toString('latin1').split('\r\n')[0] ?? '';
  const match = /^HTTP\/1\.[01] (\d{3})/.exec(statusLine);
  return { statusLine, status: match ? Number(match[1]) : undefined, closed, ms: Date.now() - started };
}

/**
 * Starts a GET and destroys the socket once `abortAfterBytes` of the response have arrived: a browser tab
 * closed mid-download.
 */
export async function abortedDownload(url: string, path: string, abortAfterBytes: number): Promise<number> {
  const socket = await openSocket(url);
  socket.on('error', () => {});
  socket.write(`GET ${path} HTTP/1.1\r\nHost: x\r\n\r\n`);
  let received = 0;
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, 5000);
    socket.on('data', (chunk: Buffer) => {
      received += chunk.length;
      if (received >= abortAfterBytes) {
        clearTimeout(timer);
        resolve();
      }
    });
    socket.once('close', () => {
      clearTimeout(timer);
      resolve();
    });
  });
  socket.destroy();
  return received;
}

/** A normal participant: opens the signalling socket, joins `room`, and returns how long `joined` took. */
export async function joinLatencyMs(wsUrl: string, room: string): Promise<number> {
  const started = Date.now();
  const ws = new WebSocket(wsUrl);
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no joined within 5 s')), 5000);
      ws.once('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
      ws.once('open', () => ws.send(JSON.stringify({ type: 'join', id: 1, room, name: 'Normal person' })));
      ws.on('message', (data) => {
        const message = JSON.parse(data.toString()) as { type: string; code?: string };
        if (message.type === 'joined') {
          clearTimeout(timer);
          resolve();
        } else if (message.type === 'error') {
          clearTimeout(timer);
          reject(new Error(`join refused: ${message.code}`));
        }
      });
    });
    return Date.now() - started;
  } finally {
    ws.close();
  }
}

export async function healthOk(url: string): Promise<boolean> {
  const response = await fetch(`${url}/healthz`);
  const body = (await response.json()) as { ok?: boolean };
  return response.status === 200 && body.ok === true;
}
