import { z } from 'zod';

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
});

export type Config = z.infer<typeof ConfigSchema>;
