import { createLogger, createMetricsRegistry, startMetricsServer } from '@fleet/shared-observability';
import { installRuntime } from '@fleet/shared-temporal';
import { loadConfig } from './config';
import { startVsyncWorker } from './vsync-worker';

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger('vsync-worker', config.LOG_LEVEL);
  installRuntime(logger, config.TEMPORAL_SDK_METRICS_BIND);
  const registry = createMetricsRegistry('vsync-worker');
  const metrics = await startMetricsServer(registry, config.METRICS_PORT);
  const worker = await startVsyncWorker(config, logger, { registry });
  logger.info({ metricsPort: metrics.port }, 'vsync worker started');
  // SIGINT/SIGTERM make the SDK runtime shut the worker down gracefully; then we exit.
  await worker.done;
  await metrics.close();
  logger.info('vsync worker stopped');
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
