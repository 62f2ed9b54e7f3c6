type Level = 'debug' | 'info' | 'warn' | 'error';

/** A named logger whose lines carry the room and participant ids they are about. */
export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
  /** The same logger with more context on every line (e.g. the participant id once the server gave one). */
  child(context: Record<string, unknown>): Logger;
}

/** Writes `[backdrop:<name>] message {context, fields}` to the console, the only sink a browser app has. */
export function createLogger(name: string, context: Record<string, unknown> = {}): Logger {
  const write = (level: Level) => (message: string, fields?: Record<string, unknown>) => {
    const data = { ...context, ...fields };
    const line = `[backdrop:${name}] ${message}`;
    if (Object.keys(data).length > 0) console[level](line, data);
    else console[level](line);
  };
  return {
    debug: write('debug'),
    info: write('info'),
    warn: write('warn'),
    error: write('error'),
    child: (more) => createLogger(name, { ...context, ...more }),
  };
}
