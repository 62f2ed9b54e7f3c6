import { NodeId } from '@backdrop/protocol';
import * as z from 'zod';

const Port = z.coerce
  .number({ message: 'must be a number' })
  .int('must be a whole number')
  .min(0, 'must be 0-65535')
  .max(65535, 'must be 0-65535');

const PortRange = z
  .string()
  .regex(/^\d{1,5}-\d{1,5}$/, 'must look like 20000-40000')
  .refine((s) => {
    const [min, max] = s.split('-').map(Number) as [number, number];
    return min >= 1024 && max <= 65535 && min < max;
  }, 'must be an increasing range within 1024-65535');

const WsUrl = z.url({ protocol: /^wss?$/, message: 'must be a ws:// or wss:// URL' });

const Duration = z.coerce
  .number({ message: 'must be a number of milliseconds' })
  .int()
  .min(100, 'must be at least 100 ms')
  .max(600_000, 'must be at most 600000 ms');

const Count = z.coerce
  .number({ message: 'must be a number' })
  .int('must be a whole number')
  .min(1, 'must be at least 1')
  .max(1_000_000, 'must be at most 1000000');

/** A comma-separated list (blanks dropped) of at least one item, each checked by `item`. */
function commaList(item: z.ZodType<string, string>, what: string) {
  return z
    .string()
    .transform((s) =>
      s
        .split(',')
        .map((part) => part.trim())
        .filter((part) => part !== ''),
    )
    .pipe(z.array(item).min(1, `must name at least one ${what}`));
}

const IpList = commaList(
  z.union([z.ipv4(), z.ipv6()], { message: 'must be a comma-separated list of IP addresses' }),
  'IP address',
);

const TurnUrlList = commaList(
  z.string().regex(/^turns?:[^\s?]+(\?transport=(udp|tcp))?$/, {
    message: 'must be a comma-separated list of turn: or turns: URIs (turn:host:3478?transport=udp)',
  }),
  'TURN URI',
);

/** A link users open: an http(s) origin, nothing after it. Normalized to its origin (`https://host[:port]`). */
const PublicUrl = z.string().transform((text, ctx) => {
  let url: URL | undefined;
  try {
    url = new URL(text);
  } catch {
    url = undefined;
  }
  if (
    !url ||
    (url.protocol !== 'http:' && url.protocol !== 'https:') ||
    url.username !== '' ||
    url.password !== '' ||
    url.pathname !== '/' ||
    /[?#]/.test(text)
  ) {
    ctx.addIssue({
      code: 'custom',
      message: 'must be an http:// or https:// URL with no path, query or user (https://meet.example.org)',
    });
    return z.NEVER;
  }
  return url.origin;
});

/** `host:port`, `host` (port 3478) or `[v6]:port`: a STUN server Janus asks for its public address. */
const StunServer = z.string().transform((text, ctx) => {
  const match = /^(?:\[([0-9A-Fa-f:.]+)\]|([A-Za-z0-9.-]{1,253}))(?::(\d{1,5}))?$/.exec(text.trim());
  const port = match?.[3] === undefined ? 3478 : Number(match[3]);
  if (
    !match ||
    port < 1 ||
    port > 65535 ||
    (match[1] !== undefined && !z.ipv6().safeParse(match[1]).success)
  ) {
    ctx.addIssue({
      code: 'custom',
      message: 'must be host:port, host or [IPv6]:port (stun.example.org:3478)',
    });
    return z.NEVER;
  }
  return { host: match[1] ?? match[2]!, port };
});

/** Every setting the server reads, from the environment or the command line. */
export const ConfigSchema = z.object({
  host: z.string().min(1, 'must not be empty').default('127.0.0.1'),
  port: Port.default(8080),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  staticDir: z.string().min(1).optional(),
  /** Use an already running Janus instead of starting one (needs its API secret and admin key if set). */
  janusUrl: WsUrl.optional(),
  janusApiSecret: z.string().optional(),
  janusAdminKey: z.string().optional(),
  janusBin: z.string().min(1).default('janus'),
  janusWsPort: Port.default(0),
  janusRtpPortRange: PortRange.default('20000-40000'),
  janusIceEnforceList: z.string().optional(),
  janusIceIgnoreList: z.string().default('vmnet'),
  janusDebugLevel: z.coerce.number().int().min(0).max(7).default(3),
  /** How often the server pings browsers; two missed pongs remove a participant. */
  heartbeatMs: Duration.default(10_000),
  maxParticipantsPerRoom: z.coerce.number().int().min(2).max(100).default(16),

  // Limits (issue 8). Every refusal has its own protocol error code.
  /** Global caps: rooms open at once, and participants over all rooms. */
  maxRooms: Count.default(500),
  maxParticipants: Count.default(2000),
  /** Per client address: signalling sockets open at once, joins and room creations per minute. */
  maxConnectionsPerAddress: Count.default(20),
  joinsPerMinutePerAddress: Count.default(30),
  roomCreationsPerMinutePerAddress: Count.default(10),
  /** Per socket: sustained messages per second (bursts of 4x allowed), and bad messages per minute. */
  messagesPerSecond: Count.default(20),
  badMessagesPerMinute: Count.default(30),
  /** A socket whose unsent data passes this many bytes is closed (it stopped reading). */
  sendBufferLimitBytes: z.coerce
    .number()
    .int()
    .min(16 * 1024)
    .max(64 * 1024 * 1024)
    .default(1024 * 1024),
  /**
   * Proxies whose `X-Forwarded-For` is believed: a comma-separated list of IP addresses. Unset: the client
   * address is the socket's peer address, and the header is ignored.
   */
  trustProxy: IpList.optional(),
  /** Every request to Janus fails after this long; no room lock is held past it. */
  sfuRequestTimeoutMs: Duration.default(5_000),
  /** On SIGTERM: refuse new joins, tell clients `shuttingDown`, and close this long after. */
  shutdownDrainMs: z.coerce.number().int().min(0).max(600_000).default(10_000),
  /**
   * A participant whose socket is lost (not by abuse) is kept this long, SFU handles and feed included, for a
   * `resume` on a new socket; 0 turns resume off (a lost socket leaves at once).
   */
  resumeWindowMs: z.coerce
    .number({ message: 'must be a number of milliseconds' })
    .int('must be a whole number')
    .min(0, 'must be 0 (off) or more')
    .max(600_000, 'must be at most 600000 ms')
    .default(30_000),
  // Hosts and access (issue 11 item 6).
  /** Newcomers waiting at once to be let in to one locked room (`waiting_full` past it). */
  maxWaitingPerRoom: Count.default(20),
  /** How long a newcomer of a locked room waits for a host before it is turned away (`wait_timeout`). */
  waitingTimeoutMs: z.coerce.number().int().min(1_000).max(3_600_000).default(300_000),
  /** Wrong or missing room passwords per client address per room per minute (`password_rate_limited`). */
  passwordFailuresPerMinutePerAddress: Count.default(5),
  /** Wrong or missing room passwords per room per minute, over all addresses. */
  passwordFailuresPerMinutePerRoom: Count.default(30),
  /**
   * Janus drops a session silent this long (its `session_timeout`); we keep ours alive every third of it. With
   * `--janus-url`, set it to (at most) that Janus's own value.
   */
  janusSessionTimeoutS: z.coerce.number().int().min(3).max(3600).default(60),
  /** Our Janus must open its port this long after starting, or it is killed and the start fails. */
  janusStartTimeoutMs: Duration.default(15_000),
  /** An HTTP client must send its request headers within this long, and its whole request within the next. */
  httpHeadersTimeoutMs: Duration.default(10_000),
  httpRequestTimeoutMs: Duration.default(30_000),
  /** An idle keep-alive HTTP connection is closed after this long. */
  httpKeepAliveTimeoutMs: Duration.default(5_000),
  /**
   * TCP connections the HTTP(S) server holds at once, signalling sockets included; past it, new ones are closed
   * at once (an fd-exhaustion guard: the per-address cap does not stop many addresses).
   */
  httpMaxConnections: Count.default(4000),

  // TURN (issue 9). Cross-setting rules (TURN=on vs TURN_URLS, TLS_CERT with TLS_KEY) live in turn/settings.ts.
  /** `on`: start and supervise our own coturn. */
  turn: z.enum(['on', 'off'], { message: 'must be on or off' }).default('off'),
  turnBin: z.string().min(1).default('turnserver'),
  /** TURN over UDP and TCP; TURNS (TLS) is on turnTlsPort when TLS_CERT and TLS_KEY are given. */
  turnPort: Port.refine((p) => p > 0, 'must be 1-65535').default(3478),
  turnTlsPort: Port.refine((p) => p > 0, 'must be 1-65535').default(5349),
  /** UDP ports coturn allocates relay endpoints from; must not overlap JANUS_RTP_PORT_RANGE. */
  turnRelayPortRange: PortRange.default('49152-65535'),
  turnRealm: z
    .string()
    .regex(/^[A-Za-z0-9.-]{1,253}$/, 'must be a domain-like name (letters, digits, dots, dashes)')
    .default('backdrop'),
  /** Host name or IP that browsers use to reach our coturn; default: the first PUBLIC_IP. */
  turnHost: z
    .string()
    .regex(/^[A-Za-z0-9.:-]{1,253}$/, 'must be a host name or an IP address')
    .optional(),
  /** Addresses coturn listens on / relays from (default: every interface). */
  turnListeningIps: IpList.optional(),
  turnRelayIps: IpList.optional(),
  /**
   * Private or loopback addresses of our own Janus that coturn may relay to; every other private, loopback and
   * link-local address is refused. PUBLIC_IP and IP addresses in JANUS_ICE_ENFORCE_LIST are added to it.
   */
  turnAllowedPeerIps: IpList.optional(),
  /** Lifetime of the TURN credentials handed to a browser. */
  turnCredentialTtlS: z.coerce
    .number({ message: 'must be a number of seconds' })
    .int('must be a whole number of seconds')
    .min(60, 'must be at least 60 s')
    .max(7 * 24 * 3600, 'must be at most 604800 s (a week)')
    .default(24 * 3600),
  /** An external TURN server instead of ours: its URIs and its static-auth-secret (TURN REST scheme). */
  turnUrls: TurnUrlList.optional(),
  turnSecret: z.string().min(16, 'must be at least 16 characters').optional(),
  /** This machine's public addresses (a list allowed): coturn's external-ip. */
  publicIp: IpList.optional(),
  /** PEM certificate and key; with TURN=on they enable TURNS. */
  tlsCert: z.string().min(1).optional(),
  tlsKey: z.string().min(1).optional(),
  /**
   * The address users open (https://meet.example.org): links use it, and the WebSocket upgrade accepts only
   * this origin. Unset: same-origin, with a Host that is an IP literal, localhost or HOST.
   */
  publicUrl: PublicUrl.optional(),
  /** A STUN server (host:port) Janus uses to learn its public address (srflx candidates). */
  janusStunServer: StunServer.optional(),

  /**
   * `on`: a room of exactly two publishing participants sends media browser to browser (with the same ICE
   * servers), and moves to the SFU when a third joins (issue 9 item 6).
   */
  p2p: z.enum(['on', 'off'], { message: 'must be on or off' }).default('on'),

  // Cluster mode (issue 12 item 2): set REDIS_URL and several servers share rooms through it.
  /** redis:// or rediss:// URL of the shared store. Unset: single-node mode. */
  redisUrl: z.url({ protocol: /^rediss?$/, message: 'must be a redis:// or rediss:// URL' }).optional(),
  /** This node's id in the cluster (a-z, 0-9, -; at most 32). Default: a random one per start. */
  nodeId: NodeId.optional(),
  /** How the load balancer and the other nodes reach this node (http(s)://host:port). Default: the bound URL. */
  nodeUrl: z.url({ protocol: /^https?$/, message: 'must be an http:// or https:// URL' }).optional(),

  // A room larger than one node (issue 12 item 3): Janus remote publishers between the nodes' Janus instances.
  /** Participants of one room on one node; a join past it goes to another node of the cluster. */
  roomNodeCapacity: Count.default(50),
  /**
   * The address this node's Janus receives other nodes' media on (plain RTP in Janus 1.1.2, no SRTP): a
   * loopback or private address, never a public one.
   */
  nodeRtpHost: z
    .ipv4({ message: 'must be an IPv4 address' })
    .refine(isPrivateIpv4, 'must be a loopback or private address (the hop between nodes is unencrypted RTP)')
    .default('127.0.0.1'),
  /** UDP ports (pairs: RTP, RTCP) for media from other nodes; must not overlap JANUS_RTP_PORT_RANGE. */
  janusRemotePorts: PortRange.default('41000-41999'),
});

/** 127/8, 10/8, 172.16/12, 192.168/16, 100.64/10 (shared address space). */
export function isPrivateIpv4(ip: string): boolean {
  const [a, b] = ip.split('.').map(Number) as [number, number];
  return (
    a === 127 ||
    a === 10 ||
    (a === 172 && b >= 16 && b <= 31) ||
    (a === 192 && b === 168) ||
    (a === 100 && b >= 64 && b <= 127)
  );
}

/** Parses a validated `min-max` port range. */
export function portRange(range: string): { min: number; max: number } {
  const [min, max] = range.split('-').map(Number) as [number, number];
  return { min, max };
}

export type Config = z.infer<typeof ConfigSchema>;
