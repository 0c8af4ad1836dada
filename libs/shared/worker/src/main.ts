import { createLogger, createMetricsRegistry, startMetricsServer, type Logger } from '@fleet/shared-observability';
import { installRuntime } from '@fleet/shared-temporal';
import type { Registry } from 'prom-client';
import type { DomainWorkerConfig } from './config';
import type { DomainWorker } from './start-domain-worker';

/**
 * A worker app's whole `main`: configuration (refused with every bad variable named), logs, the
 * SDK runtime (SIGINT/SIGTERM shut the worker down gracefully), /metrics, the worker; exits 1 on
 * a failed start.
 */
export function runWorkerMain<Config extends DomainWorkerConfig>(
  app: string,
  loadConfig: () => Config,
  start: (config: Config, logger: Logger, registry: Registry) => Promise<DomainWorker>,
): void {
  const main = async () => {
    const config = loadConfig();
    const logger = createLogger(app, config.LOG_LEVEL);
    installRuntime(logger, config.TEMPORAL_SDK_METRICS_BIND);
    const registry = createMetricsRegistry(app);
    const metrics = await startMetricsServer(registry, config.METRICS_PORT, config.METRICS_HOST);
    const worker = await start(config, logger, registry);
    logger.info({ metricsPort: metrics.port }, `${app} started`);
    await worker.done;
    await metrics.close();
    logger.info(`${app} stopped`);
  };
  main().catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
}
