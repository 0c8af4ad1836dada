import { LICENSE_EVENT_DOMAIN, LICENSE_TASK_QUEUE } from '@fleet/license-contracts';
import { createLicenseActivities, createLicenseMetrics } from '@fleet/license-activities';
import { licenseMigrations, type LicenseDatabase } from '@fleet/license-data-access';
import { createDb, migrateToLatest } from '@fleet/shared-db';
import { createOutbox, eventsMigrations, startWorkerRelay, type OutboxRelay } from '@fleet/shared-events';
import type { Logger } from '@fleet/shared-observability';
import { releasingOnStop, runWorker, workflowSource, type StoppableWorker } from '@fleet/shared-temporal';
import type { Registry } from 'prom-client';
import type { LicenseWorkerConfig } from './config';

export interface LicenseWorker extends StoppableWorker {
  /** The outbox relay, when a broker is configured. */
  relay?: OutboxRelay;
}

/** Migrates the database, starts the outbox relay, and starts polling the license task queue. */
export async function startLicenseWorker(
  config: LicenseWorkerConfig,
  logger: Logger,
  registry?: Registry,
  options: { taskQueue?: string } = {},
): Promise<LicenseWorker> {
  const db = createDb<LicenseDatabase>(config.DATABASE_URL, {
    maxConnections: config.DATABASE_POOL_SIZE,
    applicationName: 'license-worker',
    onIdleClientError: (err) => logger.warn({ err: err.message }, 'an idle database connection was dropped'),
  });
  const applied = [...(await migrateToLatest(db, licenseMigrations)), ...(await migrateToLatest(db, eventsMigrations))];
  if (applied.length) logger.info({ applied }, 'migrations applied');
  const relay = startWorkerRelay(config, db, LICENSE_EVENT_DOMAIN, logger);

  const target = { address: config.TEMPORAL_ADDRESS, namespace: config.TEMPORAL_NAMESPACE };
  const running = await runWorker({
    target,
    taskQueue: options.taskQueue ?? LICENSE_TASK_QUEUE,
    workflows: workflowSource(config.LICENSE_WORKFLOW_BUNDLE, require.resolve('@fleet/license-workflows')),
    activities: createLicenseActivities({
      db,
      logger,
      outbox: createOutbox('license-worker', config.EVENTS_TENANT),
      metrics: registry && createLicenseMetrics(registry),
    }),
    logger,
    tuning: { maxConcurrentActivityTaskExecutions: config.LICENSE_MAX_CONCURRENT_ACTIVITIES },
  });
  const stoppable = releasingOnStop(running, async () => {
    await relay?.stop();
    await db.destroy();
  });
  return { ...stoppable, relay };
}
