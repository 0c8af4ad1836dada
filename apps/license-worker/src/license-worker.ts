import { LICENSE_TASK_QUEUE } from '@fleet/license-contracts';
import { createLicenseActivities, createLicenseMetrics } from '@fleet/license-activities';
import { licenseMigrations, type LicenseDatabase } from '@fleet/license-data-access';
import { createDb, migrateToLatest } from '@fleet/shared-db';
import type { Logger } from '@fleet/shared-observability';
import { connectClient, ensureSchedule, runWorker, workflowSource, type RunningWorker } from '@fleet/shared-temporal';
import type { Registry } from 'prom-client';
import type { LicenseWorkerConfig } from './config';
import { licenseSchedules } from './schedules';

export interface LicenseWorker extends RunningWorker {
  /** Stops polling, lets in-flight work finish, then closes the database pool. */
  stop(): Promise<void>;
}

/** Migrates the database, ensures the schedules, and starts polling the license task queue. */
export async function startLicenseWorker(
  config: LicenseWorkerConfig,
  logger: Logger,
  registry?: Registry,
  options: { taskQueue?: string } = {},
): Promise<LicenseWorker> {
  const db = createDb<LicenseDatabase>(config.DATABASE_URL, {
    maxConnections: config.DATABASE_POOL_SIZE,
    applicationName: 'license-worker',
  });
  const applied = await migrateToLatest(db, licenseMigrations);
  if (applied.length) logger.info({ applied }, 'license migrations applied');

  const target = { address: config.TEMPORAL_ADDRESS, namespace: config.TEMPORAL_NAMESPACE };
  if (config.LICENSE_ENSURE_SCHEDULES) {
    const client = await connectClient(target);
    try {
      for (const schedule of licenseSchedules()) {
        const outcome = await ensureSchedule(client, schedule);
        logger.info({ scheduleId: schedule.scheduleId, outcome }, 'schedule ensured');
      }
    } finally {
      await client.connection.close();
    }
  }

  const running = await runWorker({
    target,
    taskQueue: options.taskQueue ?? LICENSE_TASK_QUEUE,
    workflows: workflowSource(config.LICENSE_WORKFLOW_BUNDLE, require.resolve('@fleet/license-workflows')),
    activities: createLicenseActivities({ db, logger, metrics: registry && createLicenseMetrics(registry) }),
    logger,
    tuning: { maxConcurrentActivityTaskExecutions: config.LICENSE_MAX_CONCURRENT_ACTIVITIES },
  });
  const done = running.done.finally(() => db.destroy());
  return {
    ...running,
    done,
    async stop() {
      await running.shutdown();
      await done;
    },
  };
}
