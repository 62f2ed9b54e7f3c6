import pino, { type Logger } from 'pino';

export type { Logger };

/** The root structured logger; modules take `logger.child({ name, ...ids })`. */
export function createLogger(level: string): Logger {
  return pino({ level, base: { service: 'backdrop' } });
}
