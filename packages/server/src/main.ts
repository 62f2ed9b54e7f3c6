import { ConfigError, loadConfig } from './config/load.js';
import { createLogger } from './logger.js';
import { startServer } from './server.js';

let config: ReturnType<typeof loadConfig>;
try {
  config = loadConfig(process.env, process.argv.slice(2));
} catch (error) {
  if (error instanceof ConfigError) {
    process.stderr.write(`backdrop: ${error.message}\n`);
    process.exit(2);
  }
  throw error;
}

const logger = createLogger(config.logLevel);
try {
  const server = await startServer(config, logger);
  let stopping = false;
  // First SIGTERM/SIGINT: drain (clients told, joins refused), then close with 1001 and stop Janus. A second
  // one stops at once; our Janus dies with us (the 'exit' handler and its parent-death signal).
  const stop = (signal: string) => {
    if (stopping) {
      logger.warn({ signal }, 'second signal: stopping at once');
      process.exit(1);
    }
    stopping = true;
    logger.info({ signal, drainMs: config.shutdownDrainMs }, 'shutting down');
    server
      .drain(config.shutdownDrainMs)
      .then(() => server.close())
      .then(
        () => {
          logger.info('shut down');
          process.exit(0);
        },
        (error: unknown) => {
          logger.error({ err: error }, 'shutdown failed');
          process.exit(1);
        },
      );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
} catch (error) {
  if (error instanceof ConfigError) {
    // A setting that only shows its fault at start (an unreadable certificate): same form as any bad setting.
    process.stderr.write(`backdrop: ${error.message}\n`);
    process.exit(2);
  }
  logger.fatal({ err: error }, 'backdrop failed to start');
  process.exit(1);
}
