import { createDictBridgeClient, tlsFromFiles, type RateLimit, type RatePolicy } from '@fleet/shared-dict-bridge';
import { createPool, migrateToLatest } from '@fleet/shared-db';
import { createOutbox, eventsMigrations, startWorkerRelay, type OutboxRelay } from '@fleet/shared-events';
import type { Logger } from '@fleet/shared-observability';
import { releasingOnStop, runWorker, workflowSource, type StoppableWorker } from '@fleet/shared-temporal';
import { createVsyncActivities, createVsyncMetrics } from '@fleet/vsync-activities';
import type { Registry } from 'prom-client';
import { VSYNC_EVENT_DOMAIN, VSYNC_TASK_QUEUE } from '@fleet/vsync-contracts';
import { vsyncMigrations, type VsyncDatabase } from '@fleet/vsync-data-access';
import { Kysely, PostgresDialect } from 'kysely';
import type { VsyncWorkerConfig } from './config';

export interface VsyncWorker extends StoppableWorker {
  relay?: OutboxRelay;
}

export interface VsyncWorkerOptions {
  taskQueue?: string;
  /** Client-side DICT limits other than DICT's own (a quota shared between workers; tests). */
  rateLimits?: Partial<Record<RatePolicy, RateLimit>>;
  /** Where the domain's counters go (the worker's /metrics). */
  registry?: Registry;
}

/** Migrates the database, starts the outbox relay, and starts polling the vsync task queue. */
export async function startVsyncWorker(config: VsyncWorkerConfig, logger: Logger, options: VsyncWorkerOptions = {}): Promise<VsyncWorker> {
  const pool = createPool(config.DATABASE_URL, {
    maxConnections: config.DATABASE_POOL_SIZE,
    applicationName: 'vsync-worker',
    onIdleClientError: (err) => logger.warn({ err: err.message }, 'an idle database connection was dropped'),
  });
  const db = new Kysely<VsyncDatabase>({ dialect: new PostgresDialect({ pool }) });
  const applied = [...(await migrateToLatest(db, vsyncMigrations)), ...(await migrateToLatest(db, eventsMigrations))];
  if (applied.length) logger.info({ applied }, 'migrations applied');

  const relay = startWorkerRelay(config, db, VSYNC_EVENT_DOMAIN, logger);

  const tlsFiles = { ca: config.DICT_BRIDGE_TLS_CA_FILE, cert: config.DICT_BRIDGE_TLS_CERT_FILE, key: config.DICT_BRIDGE_TLS_KEY_FILE };
  const bridge = createDictBridgeClient({
    address: config.DICT_BRIDGE_ADDRESS,
    tls: tlsFiles.ca || tlsFiles.cert || tlsFiles.key ? tlsFromFiles(tlsFiles) : undefined,
    deadlineMs: config.DICT_BRIDGE_DEADLINE_MS,
    rateLimits: options.rateLimits ?? config.DICT_RATE_LIMITS,
  });

  const running = await runWorker({
    target: { address: config.TEMPORAL_ADDRESS, namespace: config.TEMPORAL_NAMESPACE },
    taskQueue: options.taskQueue ?? VSYNC_TASK_QUEUE,
    workflows: workflowSource(config.VSYNC_WORKFLOW_BUNDLE, require.resolve('@fleet/vsync-workflows')),
    activities: createVsyncActivities({
      db,
      pool,
      bridge,
      participant: config.DICT_PARTICIPANT,
      outbox: createOutbox('vsync-worker', config.EVENTS_TENANT),
      logger,
      lookupConcurrency: config.DICT_LOOKUP_CONCURRENCY,
      metrics: options.registry && createVsyncMetrics(options.registry),
    }),
    logger,
    tuning: { maxConcurrentActivityTaskExecutions: config.VSYNC_MAX_CONCURRENT_ACTIVITIES },
  });
  const stoppable = releasingOnStop(running, async () => {
    await relay?.stop();
    bridge.close();
    await db.destroy();
  });
  return { ...stoppable, relay };
}
