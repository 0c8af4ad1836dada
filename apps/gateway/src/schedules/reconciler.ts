import type { Logger } from '@fleet/shared-observability';
import { reconcile, type DeclarationSet, type ReconcileResult, type Verify } from '@fleet/shared-schedules';
import type { Client } from '@temporalio/client';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

export type ReconcilerState = 'initializing' | 'retrying' | 'ready';

export interface ReconcilerOptions {
  client: Client;
  declared: DeclarationSet;
  logger: Logger;
  /** Periodic reconcile interval; 0 turns it off. */
  intervalMs: number;
  orphans: 'delete' | 'pause';
  /** Runs a reconcile under the single-writer lock; resolves undefined when another instance holds it. */
  withLock?: <T>(fn: () => Promise<T>) => Promise<T | undefined>;
  registry?: Registry;
  /**
   * Every how many periodic passes one describes every schedule (default 12: hourly at the default
   * 5-minute interval); the others check them from one listing. See Verify.
   */
  describeEvery?: number;
}

/**
 * The gateway's schedule reconciler: reconciles at start (a reload: API overrides revert, every
 * schedule described), retrying with backoff while Temporal is away, then periodically (overrides
 * kept; checked from one listing, every `describeEvery`th pass by describing each) and on demand.
 * Readiness follows it: initializing, retrying (with the last error), ready.
 */
export class ScheduleReconciler {
  state: ReconcilerState = 'initializing';
  lastError: string | undefined;
  lastResult: ReconcileResult | undefined;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private wake: (() => void) | undefined;
  private running: Promise<unknown> = Promise.resolve();
  private periodicPasses = 0;

  private readonly duration: Histogram | undefined;
  private readonly inFlight: Gauge | undefined;
  private readonly outcomes: Counter<'action' | 'status'> | undefined;

  constructor(private readonly options: ReconcilerOptions) {
    const registers = options.registry ? [options.registry] : [];
    if (options.registry) {
      this.duration = new Histogram({ name: 'gateway_schedule_reconcile_duration_seconds', help: 'Reconcile duration', buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30], registers });
      this.inFlight = new Gauge({ name: 'gateway_schedule_reconciles_in_flight', help: 'Reconciles running now', registers });
      this.outcomes = new Counter({ name: 'gateway_schedule_reconcile_outcomes_total', help: 'Reconcile outcomes by action and status', labelNames: ['action', 'status'], registers });
    }
  }

  /** Starts the initial reconcile in the background; the gateway serves meanwhile, not ready. */
  start(): void {
    void this.initial();
  }

  private async initial(): Promise<void> {
    for (let backoff = 500; !this.stopped; backoff = Math.min(backoff * 2, 30_000)) {
      try {
        await this.reconcileNow({ keepOverrides: false });
        this.state = 'ready';
        this.lastError = undefined;
        break;
      } catch (err) {
        this.state = 'retrying';
        this.lastError = err instanceof Error ? err.message : String(err);
        this.options.logger.warn({ err: this.lastError, retryInMs: backoff }, 'schedule reconcile failed; retrying');
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, backoff);
          this.wake = () => {
            clearTimeout(t);
            resolve();
          };
        });
      }
    }
    if (this.options.intervalMs > 0 && !this.stopped) {
      const describeEvery = Math.max(1, this.options.describeEvery ?? 12);
      this.timer = setInterval(() => {
        this.periodicPasses += 1;
        const verify: Verify = this.periodicPasses % describeEvery === 0 ? 'describe' : 'listing';
        this.reconcileNow({ keepOverrides: true, verify }).catch((err: unknown) => {
          this.lastError = err instanceof Error ? err.message : String(err);
          this.options.logger.warn({ err: this.lastError }, 'periodic schedule reconcile failed');
        });
      }, this.options.intervalMs);
    }
  }

  /**
   * One reconcile, after any in progress here; under the single-writer lock when there is one.
   * A reload (keepOverrides false) describes every schedule unless told otherwise; a pass that
   * keeps overrides checks them from one listing unless told otherwise.
   */
  reconcileNow(options: { keepOverrides: boolean; plan?: boolean; verify?: Verify }): Promise<ReconcileResult | undefined> {
    const run = async () => {
      const once = () =>
        reconcile({
          client: this.options.client,
          declarations: this.options.declared.declarations,
          projects: this.options.declared.projects,
          orphans: this.options.orphans,
          keepOverrides: options.keepOverrides,
          plan: options.plan,
          verify: options.verify ?? (options.keepOverrides ? 'listing' : 'describe'),
        });
      const end = this.duration?.startTimer();
      this.inFlight?.inc();
      const result = await (this.options.withLock ? this.options.withLock(once) : once()).finally(() => {
        this.inFlight?.dec();
        end?.();
      });
      if (!result) {
        this.options.logger.info('another gateway is reconciling; this one waits for the next round');
        return undefined;
      }
      if (!options.plan) this.lastResult = result;
      for (const o of result.outcomes) this.outcomes?.inc({ action: o.action, status: o.status });
      const failed = result.outcomes.filter((o) => o.status === 'failed');
      this.options.logger.info({ writes: result.writes, failed: failed.length, calls: result.calls, ms: result.durationMs }, 'schedules reconciled');
      if (failed.length && failed.length === result.outcomes.length) throw new Error(`every schedule failed: ${failed[0]?.error}`);
      return result;
    };
    const next = this.running.then(run, run);
    this.running = next.catch(() => undefined);
    return next;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }
}
