import { createPool, migrateToLatest, type MigrationSet } from '@fleet/shared-db';
import type { DomainManifest } from '@fleet/shared-domain';
import { createOutbox, eventsMigrations, startWorkerRelay, type Outbox, type OutboxRelay } from '@fleet/shared-events';
import type { Logger } from '@fleet/shared-observability';
import { releasingOnStop, runWorker, workflowSource, type RunningWorker, type RunWorkerOptions, type StoppableWorker } from '@fleet/shared-temporal';
import { Kysely, PostgresDialect } from 'kysely';
import type pg from 'pg';
import type { Registry } from 'prom-client';
import type { DomainWorkerConfig } from './config';
import { PermanentErrorsInterceptor } from './permanent-errors';
import { loadWorkerDeclarations, startWorkerSchedules, workerSchedulesFile, type WorkerSchedules } from './schedules';
import { registerSearchAttributes } from './search-attributes';

/** What a domain's activity factory is given: the worker's own resources. */
export interface ActivityDeps<Database> {
  db: Kysely<Database>;
  /** The pool under `db`, for what kysely does not do (COPY streams). */
  pool: pg.Pool;
  outbox: Outbox;
  logger: Logger;
  registry?: Registry;
}

/** A domain's activities and what they hold that must be released when the worker stops (a client). */
export interface DomainActivities {
  activities: object;
  release?: () => Promise<void> | void;
}

/** How a domain's worker is made: the manifest, its migrations, its workflows and its activity factory. */
export interface DomainWorkerDefinition<Database, Config extends DomainWorkerConfig> {
  manifest: DomainManifest;
  /** The worker app's name: the database's application name and the events' source. */
  app: string;
  migrations: MigrationSet;
  /** The workflows lib's entry point (`require.resolve('@fleet/<d>-workflows')`), bundled at start when no bundle is given. */
  workflowsPath: string;
  /** The app's `workflows.yaml`: the schedules the worker reconciles at start and periodically (SCHEDULE_FILE overrides it). */
  schedulesFile?: string;
  activities(deps: ActivityDeps<Database>, config: Config): DomainActivities;
  /** Worker options of one task queue (the manifest's name) over the defaults: a publish queue's rate, an AI queue's concurrency. */
  queueOptions?(queue: string, config: Config): QueueOptions | undefined;
}

/** What a domain may set per task queue. */
export type QueueOptions = NonNullable<RunWorkerOptions['tuning']>;

export interface DomainWorker extends StoppableWorker {
  /** The outbox relay, when a broker is configured. */
  relay?: OutboxRelay;
  /** The worker's schedules, when it declares any: their state and last reconcile. */
  schedules?: WorkerSchedules;
}

export interface DomainWorkerOptions {
  registry?: Registry;
  /** Poll this queue instead of the manifest's default one (tests isolating a worker). */
  taskQueue?: string;
}

/**
 * Starts a domain's worker as every domain runs it: its own database (migrated at start), the
 * outbox relay, one Temporal worker per task queue of the manifest with the pre-built workflow
 * bundle, and activities whose permanent errors (bad data) fail at once instead of retrying.
 */
export async function startDomainWorker<Database, Config extends DomainWorkerConfig>(
  definition: DomainWorkerDefinition<Database, Config>,
  config: Config,
  logger: Logger,
  options: DomainWorkerOptions = {},
): Promise<DomainWorker> {
  const { manifest } = definition;
  // An invalid workflows.yaml stops the start before anything is touched, naming file:line: path: reason.
  const schedulesFile = workerSchedulesFile(definition.schedulesFile, config);
  const declared = schedulesFile ? loadWorkerDeclarations(schedulesFile, manifest, logger) : undefined;
  const pool = createPool(config.DATABASE_URL, {
    maxConnections: config.DATABASE_POOL_SIZE,
    applicationName: definition.app,
    onIdleClientError: (err) => logger.warn({ err: err.message }, 'an idle database connection was dropped'),
  });
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  const release: (() => Promise<void> | void)[] = [() => db.destroy()];
  const running: RunningWorker[] = [];
  let relay: OutboxRelay | undefined;
  let schedules: (WorkerSchedules & { close(): Promise<void> }) | undefined;
  try {
    const applied = [...(await migrateToLatest(db, definition.migrations)), ...(await migrateToLatest(db, eventsMigrations))];
    if (applied.length) logger.info({ applied }, 'migrations applied');
    relay = startWorkerRelay(config, db, manifest.name, logger);
    if (relay) release.unshift(() => relay?.stop());
    const outbox = createOutbox(definition.app, config.EVENTS_TENANT);
    const domain = definition.activities({ db, pool, outbox, logger, registry: options.registry }, config);
    if (domain.release) release.unshift(domain.release);
    // The manifest's search attributes exist in the namespace before a workflow can upsert them.
    await registerSearchAttributes({ address: config.TEMPORAL_ADDRESS, namespace: config.TEMPORAL_NAMESPACE }, manifest.searchAttributes, { logger });
    for (const queue of manifest.taskQueues) {
      const taskQueue = queue === manifest.taskQueue ? (options.taskQueue ?? queue) : queue;
      running.push(
        await runWorker({
          target: { address: config.TEMPORAL_ADDRESS, namespace: config.TEMPORAL_NAMESPACE },
          taskQueue,
          workflows: workflowSource(config.WORKFLOW_BUNDLE, definition.workflowsPath),
          activities: domain.activities,
          interceptors: { activity: [() => ({ inbound: new PermanentErrorsInterceptor() })] },
          logger,
          tuning: {
            maxConcurrentActivityTaskExecutions: config.MAX_CONCURRENT_ACTIVITIES,
            maxCachedWorkflows: config.MAX_CACHED_WORKFLOWS,
            workflowThreadPoolSize: config.WORKFLOW_THREADS,
            ...definition.queueOptions?.(queue, config),
          },
        }),
      );
    }
    if (declared) {
      schedules = await startWorkerSchedules({ declared, project: manifest.project, config, db, logger, registry: options.registry });
      release.unshift(() => schedules?.close());
    }
  } catch (err) {
    await Promise.all(running.map((r) => r.shutdown()));
    for (const step of release) await step();
    throw err;
  }
  const all: RunningWorker = {
    worker: (running[0] as RunningWorker).worker,
    done: Promise.all(running.map((r) => r.done)).then(() => undefined),
    shutdown: async () => {
      await Promise.all(running.map((r) => r.shutdown()));
    },
  };
  const stoppable = releasingOnStop(all, async () => {
    for (const step of release) await step();
  });
  return { ...stoppable, relay, schedules };
}
