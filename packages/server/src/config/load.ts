import { type Config, ConfigSchema, portRange } from './schema.js';

/** Environment variable for each setting. */
const ENV_NAMES: Record<keyof Config, string> = {
  host: 'HOST',
  port: 'PORT',
  logLevel: 'LOG_LEVEL',
  staticDir: 'STATIC_DIR',
  janusUrl: 'JANUS_URL',
  janusApiSecret: 'JANUS_API_SECRET',
  janusAdminKey: 'JANUS_ADMIN_KEY',
  janusBin: 'JANUS_BIN',
  janusWsPort: 'JANUS_WS_PORT',
  janusRtpPortRange: 'JANUS_RTP_PORT_RANGE',
  janusIceEnforceList: 'JANUS_ICE_ENFORCE_LIST',
  janusIceIgnoreList: 'JANUS_ICE_IGNORE_LIST',
  janusDebugLevel: 'JANUS_DEBUG_LEVEL',
  heartbeatMs: 'HEARTBEAT_MS',
  maxParticipantsPerRoom: 'MAX_PARTICIPANTS_PER_ROOM',
  maxRooms: 'MAX_ROOMS',
  maxParticipants: 'MAX_PARTICIPANTS',
  maxConnectionsPerAddress: 'MAX_CONNECTIONS_PER_ADDRESS',
  joinsPerMinutePerAddress: 'JOINS_PER_MINUTE_PER_ADDRESS',
  roomCreationsPerMinutePerAddress: 'ROOM_CREATIONS_PER_MINUTE_PER_ADDRESS',
  messagesPerSecond: 'MESSAGES_PER_SECOND',
  badMessagesPerMinute: 'BAD_MESSAGES_PER_MINUTE',
  sendBufferLimitBytes: 'SEND_BUFFER_LIMIT_BYTES',
  trustProxy: 'TRUST_PROXY',
  sfuRequestTimeoutMs: 'SFU_REQUEST_TIMEOUT_MS',
  shutdownDrainMs: 'SHUTDOWN_DRAIN_MS',
  resumeWindowMs: 'RESUME_WINDOW_MS',
  maxWaitingPerRoom: 'MAX_WAITING_PER_ROOM',
  waitingTimeoutMs: 'WAITING_TIMEOUT_MS',
  passwordFailuresPerMinutePerAddress: 'PASSWORD_FAILURES_PER_MINUTE_PER_ADDRESS',
  passwordFailuresPerMinutePerRoom: 'PASSWORD_FAILURES_PER_MINUTE_PER_ROOM',
  janusSessionTimeoutS: 'JANUS_SESSION_TIMEOUT_S',
  janusStartTimeoutMs: 'JANUS_START_TIMEOUT_MS',
  httpHeadersTimeoutMs: 'HTTP_HEADERS_TIMEOUT_MS',
  httpRequestTimeoutMs: 'HTTP_REQUEST_TIMEOUT_MS',
  httpKeepAliveTimeoutMs: 'HTTP_KEEP_ALIVE_TIMEOUT_MS',
  httpMaxConnections: 'HTTP_MAX_CONNECTIONS',
  turn: 'TURN',
  turnBin: 'TURN_BIN',
  turnPort: 'TURN_PORT',
  turnTlsPort: 'TURN_TLS_PORT',
  turnRelayPortRange: 'TURN_RELAY_PORT_RANGE',
  turnRealm: 'TURN_REALM',
  turnHost: 'TURN_HOST',
  turnListeningIps: 'TURN_LISTENING_IPS',
  turnRelayIps: 'TURN_RELAY_IPS',
  turnAllowedPeerIps: 'TURN_ALLOWED_PEER_IPS',
  turnCredentialTtlS: 'TURN_CREDENTIAL_TTL_S',
  turnUrls: 'TURN_URLS',
  turnSecret: 'TURN_SECRET',
  publicIp: 'PUBLIC_IP',
  tlsCert: 'TLS_CERT',
  tlsKey: 'TLS_KEY',
  publicUrl: 'PUBLIC_URL',
  janusStunServer: 'JANUS_STUN_SERVER',
  p2p: 'P2P',
  redisUrl: 'REDIS_URL',
  nodeId: 'NODE_ID',
  nodeUrl: 'NODE_URL',
  roomNodeCapacity: 'ROOM_NODE_CAPACITY',
  nodeRtpHost: 'NODE_RTP_HOST',
  janusRemotePorts: 'JANUS_REMOTE_PORTS',
};

/** Flag for each setting: the kebab-case of its name (`--janus-url`, `--port`). */
const FLAG_NAMES = Object.fromEntries(
  Object.keys(ENV_NAMES).map((key) => [`--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`, key]),
) as Record<string, keyof Config>;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Reads flags (`--name value` or `--name=value`), which win over environment variables. */
function parseFlags(argv: readonly string[], problems: string[]): Partial<Record<keyof Config, string>> {
  const values: Partial<Record<keyof Config, string>> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const [flag, inline] = arg.includes('=')
      ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)]
      : [arg, undefined];
    const key = FLAG_NAMES[flag];
    if (!key) {
      problems.push(`unknown option ${flag} (known: ${Object.keys(FLAG_NAMES).join(', ')})`);
      if (inline === undefined && argv[i + 1] !== undefined && !argv[i + 1]!.startsWith('--')) i++;
      continue;
    }
    const value = inline ?? argv[++i];
    if (value === undefined) problems.push(`option ${flag} needs a value`);
    else values[key] = value;
  }
  return values;
}

/** Builds the configuration from the environment and command line, or throws a ConfigError naming every bad value. */
export function loadConfig(env: NodeJS.ProcessEnv, argv: readonly string[]): Config {
  const problems: string[] = [];
  const flags = parseFlags(argv, problems);
  const raw: Record<string, string> = {};
  for (const [key, envName] of Object.entries(ENV_NAMES) as [keyof Config, string][]) {
    const value = flags[key] ?? env[envName];
    if (value !== undefined && value !== '') raw[key] = value;
  }
  const result = ConfigSchema.safeParse(raw);
  if (!result.success) {
    for (const issue of result.error.issues) {
      const key = String(issue.path[0]) as keyof Config;
      problems.push(`${ENV_NAMES[key] ?? key} (${raw[key] ?? 'unset'}): ${issue.message}`);
    }
  }
  // Remote-publisher ports are bound only in cluster mode.
  if (result.success && result.data.redisUrl) {
    const remote = portRange(result.data.janusRemotePorts);
    const media = portRange(result.data.janusRtpPortRange);
    if (remote.min <= media.max && media.min <= remote.max)
      problems.push(
        `JANUS_REMOTE_PORTS (${result.data.janusRemotePorts}): must not overlap JANUS_RTP_PORT_RANGE (${result.data.janusRtpPortRange})`,
      );
  }
  if (problems.length > 0 || !result.success) throw new ConfigError(problems);
  return result.data;
}
