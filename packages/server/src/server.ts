import type { AddressInfo } from 'node:net';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Config } from './config/schema.js';
import { createHttpServer } from './http/server.js';
import type { Logger } from './logger.js';
import { RoomRegistry } from './rooms/registry.js';
import { JanusClient } from './sfu/janus-client.js';
import { type JanusEndpoint, JanusProcess } from './sfu/janus-process.js';
import type { Sfu } from './sfu/sfu.js';
import { VideoRoomSfu } from './sfu/videoroom.js';
import { SignalingServer } from './signaling/server.js';

export interface RunningServer {
  url: string;
  close(): Promise<void>;
}

function defaultStaticDir(): string {
  // dist/main.js lives in packages/server/dist; the app is built into packages/app/dist.
  return resolve(dirname(fileURLToPath(import.meta.url)), '../../app/dist');
}

/**
 * Starts Backdrop: Janus (ours, or the one at --janus-url), the connection to it, rooms, signalling and HTTP.
 * If our Janus dies, every participant is disconnected (code 1012) and Janus is restarted.
 */
export async function startServer(config: Config, logger: Logger): Promise<RunningServer> {
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
      });
  const endpoint: JanusEndpoint = janusProcess
    ? await janusProcess.start()
    : { url: config.janusUrl!, apiSecret: config.janusApiSecret ?? '', adminKey: config.janusAdminKey ?? '' };

  let closing = false;
  let sfu: Sfu | undefined;
  let janus: JanusClient | undefined;
  const registry = new RoomRegistry(
    () => {
      if (!sfu) throw new Error('the SFU is not connected');
      return sfu;
    },
    config.maxParticipantsPerRoom,
    logger.child({ name: 'rooms' }),
  );
  const signaling = new SignalingServer({
    registry,
    logger: logger.child({ name: 'signaling' }),
    heartbeatMs: config.heartbeatMs,
    maxConnectionsPerAddress: config.maxConnectionsPerAddress,
    messagesPerSecond: config.messagesPerSecond,
    badMessagesPerMinute: config.badMessagesPerMinute,
    sendBufferLimitBytes: config.sendBufferLimitBytes,
  });

  const connectJanus = async (target: JanusEndpoint): Promise<void> => {
    const client = await JanusClient.connect(target.url, target.apiSecret, logger);
    janus = client;
    sfu = new VideoRoomSfu(client, target.adminKey || undefined, logger.child({ name: 'sfu' }));
    client.on('closed', () => {
      if (janus !== client || closing) return;
      logger.error('lost the connection to janus: disconnecting every participant');
      sfu = undefined;
      janus = undefined;
      registry.abandonAll();
      signaling.closeAll(1012, 'media server restarted');
      // An external Janus is retried here; our own one is restarted by JanusProcess, which reconnects below.
      if (!janusProcess)
        setTimeout(
          () =>
            void connectJanus(target).catch((e: unknown) =>
              logger.error({ err: e }, 'janus reconnect failed'),
            ),
          2000,
        ).unref();
    });
  };
  await connectJanus(endpoint);
  janusProcess?.on('ready', (next) => {
    connectJanus(next).catch((error: unknown) =>
      logger.error({ err: error }, 'could not connect to restarted janus'),
    );
  });

  const http = createHttpServer({
    staticDir: config.staticDir ? resolve(config.staticDir) : defaultStaticDir(),
    logger: logger.child({ name: 'http' }),
    health: () => ({
      ok: janus?.isOpen === true,
      janus: janus?.isOpen ? 'up' : 'down',
      rooms: registry.size,
      connections: signaling.connectionCount,
    }),
    onUpgrade: (request, socket, head, clientAddress) =>
      signaling.handleUpgrade(request, socket, head, clientAddress),
  });
  await new Promise<void>((resolveListen, reject) => {
    http.once('error', reject);
    http.listen(config.port, config.host, resolveListen);
  });
  const address = http.address() as AddressInfo;
  const url = `http://${address.address.includes(':') ? `[${address.address}]` : address.address}:${address.port}`;
  logger.info({ url, staticDir: config.staticDir }, 'backdrop listening');

  return {
    url,
    async close() {
      closing = true;
      signaling.close();
      await new Promise((r) => http.close(r));
      http.closeAllConnections();
      janus?.close();
      await janusProcess?.stop();
    },
  };
}
