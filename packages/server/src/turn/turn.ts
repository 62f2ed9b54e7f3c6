import { randomBytes } from 'node:crypto';
import type { Config } from '../config/schema.js';
import type { Logger } from '../logger.js';
import { CoturnProcess } from './coturn-process.js';
import { coturnUrls, type IceServer, iceServersFor } from './credentials.js';
import { turnSettingsFrom } from './settings.js';

export type { IceServer } from './credentials.js';

/** TURN for the browsers: fresh credentials per participant, and the coturn we started, if any. */
export interface Turn {
  /** The RTCIceServer list for one participant (sent with `joined`, renewed on every join or resume). */
  iceServersFor(participantId: string): IceServer[];
  /** Stops our coturn, if we started one. Idempotent. */
  stop(): Promise<void>;
  /** Our coturn, when TURN=on (for supervision and tests). */
  readonly process: CoturnProcess | undefined;
}

/**
 * Starts TURN as configured: our own supervised coturn (TURN=on), an external TURN server (TURN_URLS +
 * TURN_SECRET), or nothing (undefined). Throws a ConfigError for inconsistent settings, or the start-up error.
 */
export async function startTurn(
  config: Config,
  logger: Logger,
  options: { startTimeoutMs?: number; now?: () => number } = {},
): Promise<Turn | undefined> {
  const settings = turnSettingsFrom(config);
  const now = options.now ?? Date.now;
  const log = logger.child({ name: 'turn' });
  if (settings.mode === 'off') return undefined;
  if (settings.mode === 'external') {
    log.info({ urls: settings.urls }, 'using an external TURN server');
    return {
      iceServersFor: (participantId) =>
        iceServersFor({
          urls: settings.urls,
          secret: settings.secret,
          participantId,
          ttlS: settings.credentialTtlS,
          nowMs: now(),
        }),
      stop: async () => {},
      process: undefined,
    };
  }

  const secret = randomBytes(32).toString('base64url');
  const coturn = new CoturnProcess({
    bin: settings.bin,
    secret,
    realm: settings.realm,
    port: settings.port,
    tls: settings.tls,
    relayPorts: settings.relayPorts,
    listeningIps: settings.listeningIps,
    relayIps: settings.relayIps,
    externalIps: settings.externalIps,
    allowedPeerIps: settings.allowedPeerIps,
    startTimeoutMs: options.startTimeoutMs ?? 10_000,
    logger: log,
  });
  await coturn.start();
  const urls = coturnUrls({ host: settings.host, port: settings.port, tlsPort: settings.tls?.port });
  log.info({ urls, allowedPeerIps: settings.allowedPeerIps }, 'TURN ready');
  return {
    iceServersFor: (participantId) =>
      iceServersFor({ urls, secret, participantId, ttlS: settings.credentialTtlS, nowMs: now() }),
    stop: () => coturn.stop(),
    process: coturn,
  };
}
