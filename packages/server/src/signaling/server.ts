import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { CLOSE_CODES, type ServerMessage } from '@backdrop/protocol';
import { type WebSocket, WebSocketServer } from 'ws';
import { requestedNode } from '../cluster/node-param.js';
import type { Route } from '../cluster/placement.js';
import { KeyedCounter } from '../limits/token-bucket.js';
import type { Logger } from '../logger.js';
import type { RoomRegistry } from '../rooms/registry.js';
import { type ConnectionLimits, SignalingConnection } from './connection.js';
import { PingTracker } from './heartbeat.js';

/**
 * Frames above this close the socket (1009) without being read into a message; frames between
 * MAX_MESSAGE_BYTES (64 KiB) and this get a `too_large` reply instead.
 */
const MAX_FRAME_BYTES = 128 * 1024;
/** Random bytes in each ping: a pong must echo them to count. */
const PING_PAYLOAD_BYTES = 8;
/** A socket refused at the per-address cap gets this long to read its error and close frame. */
const REFUSED_GRACE_MS = 2000;

export interface SignalingOptions extends ConnectionLimits {
  registry: RoomRegistry;
  logger: Logger;
  /** Ping period; a socket that has not echoed the previous ping is terminated. */
  heartbeatMs: number;
  /** Signalling sockets open at once per client address. */
  maxConnectionsPerAddress: number;
  /**
   * Cluster mode: where a join goes, given the room and the node the client asked for (`/ws?node=`, already
   * validated; undefined if absent or malformed).
   */
  route?: (room: string, via: string | undefined) => Promise<Route>;
}

interface Entry {
  connection: SignalingConnection;
  pings: PingTracker;
  logger: Logger;
}

/**
 * The signalling WebSocket endpoint. It caps sockets per client address, and pings every socket each
 * `heartbeatMs` with a fresh random payload; one that has not echoed the previous ping is terminated, so a
 * vanished browser leaves its room within two heartbeats, and pongs a client sends unasked keep nothing alive.
 */
export class SignalingServer {
  private readonly wss = new WebSocketServer({
    noServer: true,
    maxPayload: MAX_FRAME_BYTES,
    clientTracking: true,
  });
  private readonly connections = new Map<WebSocket, Entry>();
  private readonly perAddress: KeyedCounter;
  private readonly registry: RoomRegistry;
  private readonly logger: Logger;
  private readonly limits: ConnectionLimits;
  private readonly heartbeat: NodeJS.Timeout;
  private nextId = 1;
  private readonly route: SignalingOptions['route'];

  constructor(options: SignalingOptions) {
    this.route = options.route;
    this.registry = options.registry;
    this.logger = options.logger;
    this.limits = {
      messagesPerSecond: options.messagesPerSecond,
      badMessagesPerMinute: options.badMessagesPerMinute,
      sendBufferLimitBytes: options.sendBufferLimitBytes,
    };
    this.perAddress = new KeyedCounter(options.maxConnectionsPerAddress);
    this.heartbeat = setInterval(() => this.beat(), options.heartbeatMs);
  }

  get connectionCount(): number {
    return this.connections.size;
  }

  /** Set by `drain()`: the server is going down, so new joins are refused with `shutting_down`. */
  private drainMs: number | undefined;

  /** Never throws: an upgrade that fails here is logged and its socket destroyed. */
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer, clientAddress: string): void {
    try {
      const via = requestedNode(request.url);
      this.wss.handleUpgrade(request, socket, head, (ws) => this.accept(ws, clientAddress, via));
    } catch (error) {
      this.logger.warn({ err: error, client: clientAddress }, 'signalling upgrade failed');
      socket.destroy();
    }
  }

  private accept(ws: WebSocket, clientAddress: string, via: string | undefined): void {
    const logger = this.logger.child({ conn: this.nextId++, client: clientAddress });
    ws.on('error', (error) => logger.debug({ err: error }, 'websocket error'));
    if (!this.perAddress.acquire(clientAddress)) {
      this.refuse(ws, logger, clientAddress);
      return;
    }
    const pings = new PingTracker();
    ws.on('pong', (data) => pings.pong(data));
    ws.on('close', () => {
      this.connections.delete(ws);
      this.perAddress.release(clientAddress);
    });
    const connection = new SignalingConnection(
      ws,
      this.registry,
      logger,
      clientAddress,
      this.limits,
      () => this.drainMs !== undefined,
      this.route && ((room: string) => this.route!(room, via)),
    );
    this.connections.set(ws, { connection, pings, logger });
    if (this.drainMs !== undefined) connection.send({ type: 'shuttingDown', drainMs: this.drainMs });
  }

  /** One socket too many from this address: told why, then closed; the earlier ones are untouched. */
  private refuse(ws: WebSocket, logger: Logger, clientAddress: string): void {
    logger.warn(
      { open: this.perAddress.count(clientAddress) },
      'refusing a signalling socket: too many connections from this address',
    );
    const error: ServerMessage = {
      type: 'error',
      code: 'too_many_connections',
      message: 'too many connections from this address; close another tab or try again later',
    };
    ws.send(JSON.stringify(error));
    ws.close(CLOSE_CODES.tooManyConnections, 'too many connections');
    setTimeout(() => ws.terminate(), REFUSED_GRACE_MS).unref();
  }

  /**
   * The server is going down in `drainMs`: every client is told (`shuttingDown`) so it can come back later,
   * and from now on joins are refused with `shutting_down`. Closing is the caller's job, after the drain.
   */
  drain(drainMs: number): void {
    this.drainMs = drainMs;
    for (const { connection } of this.connections.values())
      connection.send({ type: 'shuttingDown', drainMs });
  }

  private beat(): void {
    for (const [ws, { connection, pings, logger }] of this.connections) {
      const payload = randomBytes(PING_PAYLOAD_BYTES);
      if (!pings.beat(payload)) {
        logger.info(
          { reason: 'no pong echoed the previous ping' },
          'terminating unresponsive signalling connection',
        );
        void connection.close(CLOSE_CODES.heartbeatTimeout, 'heartbeat timeout', { terminate: true });
        this.connections.delete(ws);
        continue;
      }
      ws.ping(payload);
    }
  }

  /** Closes every connection with a code the client SDK understands (1012: service restart, 1001: going away). */
  closeAll(code: number, reason: string): void {
    for (const { connection } of this.connections.values()) void connection.close(code, reason);
  }

  close(): void {
    clearInterval(this.heartbeat);
    this.closeAll(1001, 'server shutting down');
    this.wss.close();
  }
}
