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
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    server.close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
} catch (error) {
  logger.fatal({ err: error }, 'backdrop failed to start');
  process.exit(1);
}
