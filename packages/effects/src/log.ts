export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type LogSink = (
  level: LogLevel,
  name: string,
  message: string,
  data?: Record<string, unknown>,
) => void;

let sink: LogSink | null = null;

/** Routes the library's logs somewhere (silent by default: library code never writes to the console itself). */
export function setEffectsLogSink(next: LogSink | null): void {
  sink = next;
}

export interface Logger {
  debug(message: string, data?: Record<string, unknown>): void;
  info(message: string, data?: Record<string, unknown>): void;
  warn(message: string, data?: Record<string, unknown>): void;
  error(message: string, data?: Record<string, unknown>): void;
}

export function createLogger(name: string, context: Record<string, unknown> = {}): Logger {
  const at = (level: LogLevel) => (message: string, data?: Record<string, unknown>) =>
    sink?.(level, name, message, { ...context, ...data });
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}
