import { withTryAdvisoryLock } from '@fleet/shared-db';
import type { DomainManifest } from '@fleet/shared-domain';
import type { Logger } from '@fleet/shared-observability';
import { DeclarationError, loadDeclarationSet, reconcile, type CallOptions, type DeclarationSet, type ReconcileResult, type Verify } from '@fleet/shared-schedules';
import { connectClient } from '@fleet/shared-temporal';
import type { Client } from '@temporalio/client';
import type { Kysely } from 'kysely';
import { createHash } from 'node:crypto';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { DomainWorkerConfig } from './config';

/** What of a manifest a worker's schedules are checked against. */
export type ScheduleManifest = Pick<DomainManifest, 'project' | 'inputSchemas' | 'taskQueues'>;

/**
 * Reads and validates a worker's own `workflows.yaml` against its domain's manifest: the file must
 * name the manifest's project, declare only the manifest's workflow types on its task queues, and
 * pass every other rule of schedules as code. Throws a DeclarationError naming each problem
 * (`file:line: path: reason`); nothing has been changed anywhere when it does.
 */
export function loadWorkerDeclarations(file: string, manifest: ScheduleManifest, logger?: Logger): DeclarationSet {
  let declared: DeclarationSet;
  try {
    declared = loadDeclarationSet([file], manifest.inputSchemas, { project: manifest.project, taskQueues: manifest.taskQueues });
  } catch (err) {
    if (err instanceof DeclarationError) logger?.error({ problems: err.message.split('\n') }, 'invalid schedule declarations: the worker does not start, and nothing changes');
    throw err;
  }
  // A file with no schedule left still names the project, so its schedules are orphans.
  return { declarations: declared.declarations, projects: declared.projects.length ? declared.projects : [manifest.project] };
}

/**
 * The advisory lock key of a project's schedules: one writer at a time per project, among the
 * replicas of its worker (which share its database). Positive 31-bit, from the project's name.
 */
export function scheduleLockKey(project: string): number {
  return createHash('sha256').update(`fleet:schedules:${project}`).digest().readUInt32BE(0) & 0x7fffffff;
}

export type SchedulesState = 'initializing' | 'retrying' | 'ready';

export interface WorkerSchedulesOptions extends CallOptions {
  client: Client;
  declared: DeclarationSet;
  /** The project whose schedules these are (its lock, its logs). */
  project: string;
  logger: Logger;
  registry?: Registry;
  /** Runs a pass under the project's single-writer lock; resolves undefined when another replica holds it. */
  withLock?: <T>(fn: () => Promise<T>) => Promise<T | undefined>;
  /** Periodic reconcile interval; 0 turns it off. */
  intervalMs: number;
  orphans: 'delete' | 'pause';
  /** How the start pass (a reload) checks each schedule. Default `listing`. */
  verify?: Verify;
  /** Every how many periodic passes one describes every schedule (default 12: hourly at 5 minutes); the others check from one listing. */
  describeEvery?: number;
}

/**
 * A worker's schedules: reconciled when the worker starts (a reload: API overrides revert), then
 * every `intervalMs` (overrides kept; checked from one listing, every `describeEvery`th pass by
 * describing each), one replica at a time per project. A failed start pass is retried with backoff
 * while the worker runs. The state (initializing, retrying, ready), the last result and error, the
 * logs and the metrics say how the last pass went.
 */
export class WorkerSchedules {
  state: SchedulesState = 'initializing';
  lastError: string | undefined;
  lastResult: ReconcileResult | undefined;
  /** Whether the last pass found another replica holding the project's lock (and left the schedules to it). */
  lastSkipped = false;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private wake: (() => void) | undefined;
  private running: Promise<unknown> = Promise.resolve();
  private periodicPasses = 0;
  private readonly metrics:
    | { passes: Counter<'result'>; outcomes: Counter<'action' | 'status'>; duration: Histogram; state: Gauge<'state'>; declared: Gauge }
    | undefined;

  constructor(private readonly options: WorkerSchedulesOptions) {
    const registers = options.registry ? [options.registry] : undefined;
    if (registers) {
      this.metrics = {
        passes: new Counter({ name: 'schedule_reconciles_total', help: 'Schedule reconciles by result (reconciled, skipped: another replica holds the lock, failed)', labelNames: ['result'], registers }),
        outcomes: new Counter({ name: 'schedule_reconcile_outcomes_total', help: 'Schedules reconciled, by action and status', labelNames: ['action', 'status'], registers }),
        duration: new Histogram({ name: 'schedule_reconcile_duration_seconds', help: 'Schedule reconcile duration', buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30], registers }),
        state: new Gauge({ name: 'schedule_reconcile_state', help: "1 for the state of the worker's schedules: initializing, retrying or ready", labelNames: ['state'], registers }),
        declared: new Gauge({ name: 'schedules_declared', help: 'Schedules this worker declares', registers }),
      };
      this.metrics.declared.set(options.declared.declarations.length);
      this.setState('initializing');
    }
  }

  private setState(state: SchedulesState): void {
    this.state = state;
    for (const s of ['initializing', 'retrying', 'ready'] as const) this.metrics?.state.set({ state: s }, s === state ? 1 : 0);
  }

  /**
   * The start pass, awaited: the worker's schedules stand as declared when it resolves (or another
   * replica is making them so). When it fails, the worker runs on and the pass is retried with
   * backoff in the background; then the periodic passes begin.
   */
  async start(): Promise<void> {
    try {
      await this.reconcileNow({ keepOverrides: false, verify: this.options.verify ?? 'listing' });
      this.setState('ready');
    } catch (err) {
      this.fail(err, 'schedule reconcile at start failed; retrying');
      void this.retryThenPeriodic();
      return;
    }
    this.periodic();
  }

  private fail(err: unknown, message: string): void {
    this.lastError = err instanceof Error ? err.message : String(err);
    this.options.logger.warn({ project: this.options.project, err: this.lastError }, message);
  }

  private async retryThenPeriodic(): Promise<void> {
    this.setState('retrying');
    for (let backoff = 500; !this.stopped; backoff = Math.min(backoff * 2, 30_000)) {
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, backoff);
        t.unref();
        this.wake = () => {
          clearTimeout(t);
          resolve();
        };
      });
      if (this.stopped) return;
      try {
        await this.reconcileNow({ keepOverrides: false, verify: this.options.verify ?? 'listing' });
        this.lastError = undefined;
        this.setState('ready');
        break;
      } catch (err) {
        this.fail(err, 'schedule reconcile failed; retrying');
      }
    }
    this.periodic();
  }

  private periodic(): void {
    if (this.options.intervalMs <= 0 || this.stopped) return;
    const describeEvery = Math.max(1, this.options.describeEvery ?? 12);
    this.timer = setTimeout(() => {
      this.periodicPasses += 1;
      const verify: Verify = this.periodicPasses % describeEvery === 0 ? 'describe' : 'listing';
      this.reconcileNow({ keepOverrides: true, verify })
        .catch((err: unknown) => this.fail(err, 'periodic schedule reconcile failed'))
        .finally(() => this.periodic());
    }, this.options.intervalMs);
    this.timer.unref();
  }

  /**
   * One pass, after any in progress here, under the project's lock when there is one; resolves
   * undefined when another replica holds it. A reload (keepOverrides false) reverts API overrides.
   */
  reconcileNow(options: { keepOverrides: boolean; verify?: Verify; plan?: boolean }): Promise<ReconcileResult | undefined> {
    const { declared, project, logger } = this.options;
    const run = async () => {
      const once = () =>
        reconcile({
          client: this.options.client,
          orphans: this.options.orphans,
          concurrency: this.options.concurrency,
          callsPerSecond: this.options.callsPerSecond,
          retries: this.options.retries,
          callTimeoutMs: this.options.callTimeoutMs,
          declarations: declared.declarations,
          projects: declared.projects,
          keepOverrides: options.keepOverrides,
          verify: options.verify ?? 'listing',
          plan: options.plan,
        });
      const end = this.metrics?.duration.startTimer();
      let result: ReconcileResult | undefined;
      try {
        result = await (this.options.withLock ? this.options.withLock(once) : once());
      } catch (err) {
        this.metrics?.passes.inc({ result: 'failed' });
        throw err;
      } finally {
        end?.();
      }
      if (options.plan) return result;
      this.lastSkipped = result === undefined;
      if (!result) {
        this.metrics?.passes.inc({ result: 'skipped' });
        logger.info({ project }, 'another replica holds the schedules lock of this project and reconciles them; this one skips the pass');
        return undefined;
      }
      this.lastResult = result;
      for (const o of result.outcomes) this.metrics?.outcomes.inc({ action: o.action, status: o.status });
      const failed = result.outcomes.filter((o) => o.status === 'failed');
      const changes = result.outcomes.filter((o) => o.action !== 'unchanged' || o.status === 'failed').map((o) => `${o.action} ${o.scheduleId} (${o.status}): ${o.reason}${o.error ? `: ${o.error}` : ''}`);
      const summary = { project, schedules: result.outcomes.length, writes: result.writes, failed: failed.length, calls: result.calls, ms: result.durationMs, changes: changes.slice(0, 20) };
      if (failed.length) logger.warn(summary, 'schedules reconciled, some failed (retried on the next pass)');
      else logger.info(summary, 'schedules reconciled');
      if (failed.length && failed.length === result.outcomes.length) {
        this.metrics?.passes.inc({ result: 'failed' });
        throw new Error(`every schedule failed: ${failed[0]?.error}`);
      }
      this.metrics?.passes.inc({ result: 'reconciled' });
      return result;
    };
    const next = this.running.then(run, run);
    this.running = next.catch(() => undefined);
    return next;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }
}

/** The worker's declaration file: SCHEDULE_FILE when set (`none`: no schedules), else the app's own. */
export function workerSchedulesFile(appFile: string | undefined, config: Pick<DomainWorkerConfig, 'SCHEDULE_FILE'>): string | undefined {
  if (config.SCHEDULE_FILE === 'none') return undefined;
  return config.SCHEDULE_FILE ?? appFile;
}

/**
 * What startDomainWorker runs once its workers poll: a client, the project's lock on the worker's
 * own database, and the start pass (awaited). Stop it before the database is released.
 */
export async function startWorkerSchedules(options: {
  declared: DeclarationSet;
  project: string;
  config: DomainWorkerConfig;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the lock needs a connection of any database
  db: Kysely<any>;
  logger: Logger;
  registry?: Registry;
}): Promise<WorkerSchedules & { close(): Promise<void> }> {
  const { config, project } = options;
  const client = await connectClient({ address: config.TEMPORAL_ADDRESS, namespace: config.TEMPORAL_NAMESPACE });
  const schedules = new WorkerSchedules({
    client,
    declared: options.declared,
    project,
    logger: options.logger,
    registry: options.registry,
    withLock: (fn) => withTryAdvisoryLock(options.db, scheduleLockKey(project), fn),
    intervalMs: config.SCHEDULE_RECONCILE_INTERVAL_MS,
    orphans: config.SCHEDULE_ORPHANS,
    verify: config.SCHEDULE_VERIFY,
  });
  await schedules.start();
  return Object.assign(schedules, {
    async close() {
      await schedules.stop();
      await client.connection.close();
    },
  });
}
