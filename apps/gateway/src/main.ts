import { createLogger } from '@fleet/shared-observability';
import { loadConfig } from './config';
import { startGateway } from './gateway';

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger('gateway', config.LOG_LEVEL);
  const gateway = await startGateway(config, logger);
  logger.info({ host: gateway.host, port: gateway.port, temporal: config.TEMPORAL_ADDRESS }, 'gateway listening');
  const stop = () => {
    logger.info('gateway stopping');
    gateway.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((err: unknown) => {
  // A declaration error lists every file, path and reason, one per line.
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
