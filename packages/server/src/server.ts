import type { AddressInfo } from 'node:net';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CLOSE_CODES } from '@backdrop/protocol';
import type { ClusterNode } from './cluster/cluster-node.js';
import { clusterRoomHooks, type RunningCluster, startClusterNode } from './cluster/start.js';
import { type Config, portRange } from './config/schema.js';
import { ServerError } from './errors.js';
import { createHttpServer } from './http/server.js';
import { insecureContextWarning, loadWebSettings } from './http/web-settings.js';
import type { Logger } from './logger.js';
import { RoomRegistry } from './rooms/registry.js';
import { JanusLink } from './sfu/janus-link.js';
import { JanusProcess } from './sfu/janus-process.js';
import type { Sfu } from './sfu/sfu.js';
import { VideoRoomSfu } from './sfu/videoroom.js';
import { SignalingServer } from './signaling/server.js';
import { startTurn } from './turn/turn.js';

export interface RunningServer {
  /** Where this server listens (`https://` with TLS_CERT): the bound address, for tests and probes. */
  url: string;
  /** The address users open: PUBLIC_URL, or `url`. */
  publicUrl: string;
  /**
   * Graceful shutdown: tell every client (`shuttingDown`), refuse joins, report unhealthy, and wait up to
   * `drainMs` (less if every room emptied). Then call `close()`.
   */
  drain(drainMs: number): Promise<void>;
  /** Closes every socket (1001), the HTTP server, the Janus session, and stops our Janus and our coturn. */
  close(): Promise<void>;
}

function defaultStaticDir(): string {
  // dist/main.js lives in packages/server/dist; the app is built into packages/app/dist.
  return resolve(dirname(fileURLToPath(import.meta.url)), '../../app/dist');
}

/** How often a draining server checks whether every room has emptied. */
const DRAIN_POLL_MS = 100;

/**
 * Starts Backdrop: Janus (ours, or the one at --janus-url), the link to it, rooms, signalling and HTTP.
 * Whenever Janus goes down (crash, lost session, stopped answering), every participant is disconnected (1012),
 * joins get `sfu_unavailable`, /healthz answers 503, and the JanusLink brings it back.
 */
export async function startServer(config: Config, logger: Logger): Promise<RunningServer> {
  // Before Janus starts: a bad certificate is a configuration error, not a half-started server.
  const web = await loadWebSettings(config);
  // TURN first: a coturn that cannot start fails the start before Janus is up. Undefined when TURN is off.
  const turn = await startTurn(config, logger);
  const janusProcess = config.janusUrl
    ? undefined
    : new JanusProcess({
        bin: config.janusBin,
        wsPort: config.janusWsPort,
        rtpPortRange: config.janusRtpPortRange,
        iceEnforceList: config.janusIceEnforceList,
        iceIgnoreList: config.janusIceIgnoreList,
        debugLevel: config.janusDebugLevel,
        logger,
        sessionTimeoutS: config.janusSessionTimeoutS,
        startTimeoutMs: config.janusStartTimeoutMs,
        natMapping: config.publicIp,
        stunServer: config.janusStunServer,
      });
  const link = new JanusLink({
    process: janusProcess,
    external: config.janusUrl
      ? { url: config.janusUrl, apiSecret: config.janusApiSecret ?? '', adminKey: config.janusAdminKey ?? '' }
      : undefined,
    client: {
      requestTimeoutMs: config.sfuRequestTimeoutMs,
      // A third of Janus's session timeout: two keepalives may be late before Janus drops the session.
      keepaliveMs: Math.max(1000, Math.floor((config.janusSessionTimeoutS * 1000) / 3)),
    },
    logger: logger.child({ name: 'janus-link' }),
  });

  let sfu: Sfu | undefined;
  let draining = false;
  // Cluster mode (REDIS_URL): set once the node reports to Redis, after the HTTP server listens.
  let cluster: RunningCluster | undefined;
  const clusterNode = (): ClusterNode | undefined => cluster?.node;
  const registry = new RoomRegistry({
    sfu: () => sfu,
    limits: config,
    logger: logger.child({ name: 'rooms' }),
    iceServersFor: (participantId) => turn?.iceServersFor(participantId) ?? [],
    resumeWindowMs: config.resumeWindowMs,
    p2p: config.p2p === 'on',
    access: config,
    ...(config.redisUrl ? { hooks: clusterRoomHooks(clusterNode, () => cluster?.cascade) } : {}),
  });
  const signaling = new SignalingServer({
    registry,
    logger: logger.child({ name: 'signaling' }),
    heartbeatMs: config.heartbeatMs,
    maxConnectionsPerAddress: config.maxConnectionsPerAddress,
    messagesPerSecond: config.messagesPerSecond,
    badMessagesPerMinute: config.badMessagesPerMinute,
    sendBufferLimitBytes: config.sendBufferLimitBytes,
    ...(config.redisUrl
      ? {
          route: (room: string, via: string | undefined) => {
            const node = clusterNode();
            if (!node)
              return Promise.reject(new ServerError('cluster_unavailable', 'this node is still starting'));
            return node.route(room, via);
          },
        }
      : {}),
  });

  link.on('up', (client, endpoint) => {
    sfu = new VideoRoomSfu(client, endpoint.adminKey || undefined, logger.child({ name: 'sfu' }));
    cluster?.cascade.sfuRestarted();
  });
  link.on('down', (reason) => {
    logger.error({ reason }, 'janus is down: disconnecting every participant');
    sfu = undefined;
    registry.abandonAll();
    signaling.closeAll(CLOSE_CODES.serviceRestart, 'media server restarted');
  });
  try {
    await link.start();
  } catch (error) {
    await turn?.stop();
    throw error;
  }

  const http = createHttpServer({
    staticDir: config.staticDir ? resolve(config.staticDir) : defaultStaticDir(),
    logger: logger.child({ name: 'http' }),
    trustProxy: config.trustProxy,
    headersTimeoutMs: config.httpHeadersTimeoutMs,
    requestTimeoutMs: config.httpRequestTimeoutMs,
    keepAliveTimeoutMs: config.httpKeepAliveTimeoutMs,
    maxConnections: config.httpMaxConnections,
    tls: web.tls,
    hsts: web.hsts,
    originPolicy: web.originPolicy,
    health: () => {
      const janus = link.health;
      return {
        ok: janus.state === 'up' && !draining,
        janus: janus.state,
        ...(janus.state === 'down' ? { reason: janus.reason } : {}),
        ...(draining ? { draining: true } : {}),
        rooms: registry.size,
        connections: signaling.connectionCount,
        ...(cluster
          ? { node: cluster.node.id, redirects: cluster.node.redirects, cascade: cluster.cascade.counts() }
          : {}),
      };
    },
    onUpgrade: (request, socket, head, clientAddress) =>
      signaling.handleUpgrade(request, socket, head, clientAddress),
  });
  try {
    await new Promise<void>((resolveListen, reject) => {
      http.once('error', reject);
      http.listen(config.port, config.host, resolveListen);
    });
  } catch (error) {
    // e.g. the port is taken: what we started so far is ours to stop.
    signaling.close();
    await link.stop();
    await turn?.stop();
    throw error;
  }
  const address = http.address() as AddressInfo;
  const scheme = web.tls ? 'https' : 'http';
  const url = `${scheme}://${address.address.includes(':') ? `[${address.address}]` : address.address}:${address.port}`;
  const publicUrl = web.publicUrl ?? url;
  if (web.tls) logger.info({ subject: web.tls.subject, validTo: web.tls.validTo }, 'serving https and wss');
  if (web.tls && web.tls.validTo.getTime() < Date.now())
    logger.warn({ validTo: web.tls.validTo }, 'the TLS certificate has expired: browsers will refuse it');
  const insecure = insecureContextWarning(config, Boolean(web.tls));
  if (insecure) logger.warn(insecure);
  if (config.redisUrl) {
    cluster = await startClusterNode({
      redisUrl: config.redisUrl,
      nodeId: config.nodeId,
      nodeUrl: config.nodeUrl ?? url,
      registry,
      janusUp: () => link.health.state === 'up' && !draining,
      logger,
      cascade: {
        roomNodeCapacity: config.roomNodeCapacity,
        rtpHost: config.nodeRtpHost,
        remotePorts: portRange(config.janusRemotePorts),
        sfu: () => sfu,
      },
    });
  }
  logger.info({ url, publicUrl, staticDir: config.staticDir, node: cluster?.node.id }, 'backdrop listening');

  return {
    url,
    publicUrl,
    async drain(drainMs) {
      draining = true;
      signaling.drain(drainMs);
      registry.drain();
      logger.info({ drainMs, rooms: registry.size }, 'draining: joins refused, clients told to come back');
      const deadline = Date.now() + drainMs;
      while (Date.now() < deadline && registry.size > 0) {
        await new Promise((r) => setTimeout(r, Math.min(DRAIN_POLL_MS, deadline - Date.now())));
      }
    },
    async close() {
      signaling.close();
      await new Promise((r) => http.close(r));
      http.closeAllConnections();
      await link.stop();
      await turn?.stop();
      // Last: the rooms closed above released their placements through it.
      await cluster?.stop();
    },
  };
}
