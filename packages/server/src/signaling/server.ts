import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { type WebSocket, WebSocketServer } from 'ws';
import type { Logger } from '../logger.js';
import type { RoomRegistry } from '../rooms/registry.js';
import { SignalingConnection } from './connection.js';

/** Frames above this close the socket (1009); frames between 64 KiB and this get an error reply instead. */
const MAX_FRAME_BYTES = 1024 * 1024;

/**
 * The signalling WebSocket endpoint. It pings every socket each `heartbeatMs`; one that has not answered the
 * previous ping is terminated, so a vanished browser leaves its room within two heartbeats.
 */
export class SignalingServer {
  private readonly wss = new WebSocketServer({
    noServer: true,
    maxPayload: MAX_FRAME_BYTES,
    clientTracking: true,
  });
  private readonly connections = new Map<WebSocket, SignalingConnection>();
  private readonly alive = new WeakSet<WebSocket>();
  private readonly heartbeat: NodeJS.Timeout;
  private nextId = 1;

  constructor(
    private readonly registry: RoomRegistry,
    heartbeatMs: number,
    private readonly logger: Logger,
  ) {
    this.heartbeat = setInterval(() => this.beat(), heartbeatMs);
  }

  get connectionCount(): number {
    return this.connections.size;
  }

  /** Set by `drain()`: the server is going down, so new joins are refused with `shutting_down`. */
  private drainMs: number | undefined;

  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer, clientAddress: string): void {
    this.wss.handleUpgrade(request, socket, head, (ws) => {
      const logger = this.logger.child({ conn: this.nextId++, client: clientAddress });
      this.alive.add(ws);
      ws.on('pong', () => this.alive.add(ws));
      ws.on('error', (error) => logger.debug({ err: error }, 'websocket error'));
      ws.on('close', () => this.connections.delete(ws));
      const connection = new SignalingConnection(
        ws,
        this.registry,
        logger,
        clientAddress,
        () => this.drainMs !== undefined,
      );
      this.connections.set(ws, connection);
      if (this.drainMs !== undefined) connection.send({ type: 'shuttingDown', drainMs: this.drainMs });
    });
  }

  /**
   * The server is going down in `drainMs`: every client is told (`shuttingDown`) so it can come back later,
   * and from now on joins are refused with `shutting_down`. Closing is the caller's job, after the drain.
   */
  drain(drainMs: number): void {
    this.drainMs = drainMs;
    for (const connection of this.connections.values()) connection.send({ type: 'shuttingDown', drainMs });
  }

  private beat(): void {
    for (const [ws, connection] of this.connections) {
      if (!this.alive.has(ws)) {
        this.logger.info('terminating unresponsive signalling connection');
        ws.terminate();
        void connection.close();
        continue;
      }
      this.alive.delete(ws);
      ws.ping();
    }
  }

  /** Closes every connection with a code the client SDK understands (1012: service restart, 1001: going away). */
  closeAll(code: number, reason: string): void {
    for (const connection of this.connections.values()) void connection.close(code, reason);
  }

  close(): void {
    clearInterval(this.heartbeat);
    this.closeAll(1001, 'server shutting down');
    this.wss.close();
  }
}
