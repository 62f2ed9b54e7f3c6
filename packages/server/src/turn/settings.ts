import { isIP } from 'node:net';
import { ConfigError } from '../config/load.js';
import type { Config } from '../config/schema.js';

/** Our own coturn: everything needed to write its config and to hand out its URIs. */
export interface OwnTurnSettings {
  mode: 'own';
  bin: string;
  /** Host name or IP in the URIs browsers get. */
  host: string;
  port: number;
  /** TURNS, present only with a certificate. */
  tls: { port: number; certFile: string; keyFile: string } | undefined;
  relayPorts: { min: number; max: number };
  realm: string;
  listeningIps: string[];
  relayIps: string[];
  externalIps: string[];
  /** Our own Janus's addresses: the only private or loopback peers coturn may relay to. */
  allowedPeerIps: string[];
  credentialTtlS: number;
}

/** Somebody else's TURN server that shares a static-auth-secret with us. */
export interface ExternalTurnSettings {
  mode: 'external';
  urls: string[];
  secret: string;
  credentialTtlS: number;
}

export type TurnSettings = OwnTurnSettings | ExternalTurnSettings | { mode: 'off' };

function range(text: string): { min: number; max: number } {
  const [min, max] = text.split('-').map(Number) as [number, number];
  return { min, max };
}

/**
 * Checks the rules that span several TURN settings (each setting alone was checked by ConfigSchema) and picks
 * the mode; throws a ConfigError naming the environment variables at fault.
 */
export function turnSettingsFrom(config: Config): TurnSettings {
  const problems: string[] = [];
  if (Boolean(config.tlsCert) !== Boolean(config.tlsKey))
    problems.push('TLS_CERT and TLS_KEY: give both PEM files or neither');
  if (config.turn === 'on' && config.turnUrls)
    problems.push('TURN=on and TURN_URLS: choose our own coturn (TURN=on) or an external TURN (TURN_URLS)');
  if (config.turnUrls && !config.turnSecret)
    problems.push('TURN_URLS: needs TURN_SECRET, the external TURN server static-auth-secret');
  if (config.turnSecret && !config.turnUrls)
    problems.push('TURN_SECRET: only used with TURN_URLS (our own coturn gets a random secret per start)');

  const relayPorts = range(config.turnRelayPortRange);
  const rtp = range(config.janusRtpPortRange);
  const host = config.turnHost ?? config.publicIp?.[0];
  if (config.turn === 'on') {
    if (!config.janusUrl && relayPorts.min <= rtp.max && rtp.min <= relayPorts.max)
      problems.push(
        `TURN_RELAY_PORT_RANGE (${config.turnRelayPortRange}): overlaps JANUS_RTP_PORT_RANGE (${config.janusRtpPortRange})`,
      );
    if (config.turnPort === config.turnTlsPort && config.tlsCert)
      problems.push(`TURN_TLS_PORT (${config.turnTlsPort}): must differ from TURN_PORT`);
    if (!host)
      problems.push('TURN_HOST: needed with TURN=on when PUBLIC_IP is not set (the address browsers use)');
  }
  if (problems.length > 0) throw new ConfigError(problems);

  if (config.turnUrls && config.turnSecret)
    return {
      mode: 'external',
      urls: config.turnUrls,
      secret: config.turnSecret,
      credentialTtlS: config.turnCredentialTtlS,
    };
  if (config.turn !== 'on') return { mode: 'off' };

  const enforced = (config.janusIceEnforceList ?? '')
    .split(',')
    .map((part) => part.trim())
    .filter((part) => isIP(part) !== 0);
  const allowedPeerIps = [
    ...new Set([...(config.turnAllowedPeerIps ?? []), ...(config.publicIp ?? []), ...enforced]),
  ];
  return {
    mode: 'own',
    bin: config.turnBin,
    host: host!,
    port: config.turnPort,
    tls:
      config.tlsCert && config.tlsKey
        ? { port: config.turnTlsPort, certFile: config.tlsCert, keyFile: config.tlsKey }
        : undefined,
    relayPorts,
    realm: config.turnRealm,
    listeningIps: config.turnListeningIps ?? [],
    relayIps: config.turnRelayIps ?? [],
    externalIps: config.publicIp ?? [],
    allowedPeerIps,
    credentialTtlS: config.turnCredentialTtlS,
  };
}
