import { status } from '@grpc/grpc-js';
import { ScheduleAlreadyRunning, ScheduleNotFoundError, type Client } from '@temporalio/client';
import { forEachLimited, TokenBucket } from '@fleet/shared-limits';
import { grpcCode } from '@fleet/shared-temporal';
import { ORPHAN_NOTE, type DesiredSchedule } from './compile';
import type { Step, StepAction } from './plan';

export type CallKind = 'list' | 'describe' | 'create' | 'update' | 'delete' | 'pause';

export interface CallOptions {
  /** Calls in flight at once. Default 10. */
  concurrency?: number;
  /** Calls to Temporal a second, at most. Default 500. */
  callsPerSecond?: number;
  /** Attempts of a call failing with a transient error. Default 5. */
  retries?: number;
  /** Deadline of each call to Temporal. Default 10 s. */
  callTimeoutMs?: number;
}

const TRANSIENT = new Set<number>([status.UNAVAILABLE, status.DEADLINE_EXCEEDED, status.RESOURCE_EXHAUSTED, status.ABORTED, status.INTERNAL, status.UNKNOWN]);

/**
 * Calls to Temporal as a pass makes them: under one rate limit, each with a deadline, transient
 * failures retried with exponential backoff (an invalid argument fails at once), counted by kind.
 */
export class TemporalCalls {
  readonly counts: Record<CallKind, number> = { list: 0, describe: 0, create: 0, update: 0, delete: 0, pause: 0 };
  readonly concurrency: number;
  private readonly bucket: TokenBucket;
  private readonly attempts: number;
  readonly timeoutMs: number;

  constructor(
    readonly client: Client,
    options: CallOptions = {},
  ) {
    const perSecond = options.callsPerSecond ?? 500;
    this.bucket = new TokenBucket(perSecond, perSecond * 60);
    this.attempts = options.retries ?? 5;
    this.timeoutMs = options.callTimeoutMs ?? 10_000;
    this.concurrency = options.concurrency ?? 10;
  }

  async call<T>(kind: CallKind, fn: () => Promise<T>, deadlineMs = this.timeoutMs): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.bucket.take();
        this.counts[kind] += 1;
        return await this.client.withDeadline(Date.now() + deadlineMs, fn);
      } catch (err) {
        const code = grpcCode(err);
        if (attempt >= this.attempts || code === undefined || !TRANSIENT.has(code)) throw err;
        await new Promise((r) => setTimeout(r, Math.min(100 * 2 ** attempt, 5000)));
      }
    }
  }
}

/** What became of one schedule in a pass. */
export interface Outcome {
  scheduleId: string;
  action: Exclude<StepAction, 'describe'>;
  reason: string;
  /** planned (plan mode), done, failed, or skipped (a conflict: not Fleet's). */
  status: 'planned' | 'done' | 'failed' | 'skipped';
  error?: string;
  /** A create found the schedule existing already (made meanwhile by someone else): reconcile() checks it again. */
  existed?: boolean;
}

export interface ApplyResult {
  outcomes: Outcome[];
  /** Schedules written: created, updated, replaced, deleted or paused (zero when nothing changed). */
  writes: number;
  calls: Record<CallKind, number>;
}

/** What each step would do, without doing it (plan mode): writes planned, the rest as they stand. */
export function planned(steps: readonly Step[]): Outcome[] {
  return steps.map(({ scheduleId, action, reason }) => {
    if (action === 'describe') return { scheduleId, action: 'unchanged', reason: 'could not describe it', status: 'failed' };
    return { scheduleId, action, reason, status: action === 'unchanged' ? 'done' : action === 'conflict' ? 'skipped' : 'planned' };
  });
}

/**
 * Does what a plan says: creates, updates (the whole schedule in one UpdateSchedule call),
 * replaces (delete, then create: a memo changes no other way), deletes or pauses orphans. Calls run
 * `concurrency` at a time under the rate limit, transient errors retried; one failure does not
 * stop the others. A schedule found missing by an update is created; a create that finds it
 * existing reports `existed` (reconcile() checks those again). A `describe` step left in the plan
 * (its describe failed) is reported failed.
 */
export async function apply(client: Client, steps: readonly Step[], options: CallOptions & { calls?: TemporalCalls } = {}): Promise<ApplyResult> {
  const calls = options.calls ?? new TemporalCalls(client, options);
  const schedules = client.schedule;
  let writes = 0;

  /** The whole schedule as declared, in one UpdateSchedule call (no describe first, unlike handle.update). */
  const updateWhole = (desired: DesiredSchedule) =>
    // The SDK's own update path minus its describe: the plan was made from a description.
    (schedules as unknown as { _updateSchedule(id: string, opts: unknown, header: Record<string, never>): Promise<unknown> })._updateSchedule(
      desired.scheduleId,
      { spec: desired.spec, action: desired.action, policies: desired.policies, state: desired.state },
      {},
    );
  const create = (desired: DesiredSchedule) => calls.call('create', () => schedules.create(desired));
  /** Whether it deleted the schedule (false: there was none). */
  const remove = async (scheduleId: string): Promise<boolean> => {
    try {
      await calls.call('delete', () => schedules.getHandle(scheduleId).delete());
      return true;
    } catch (err) {
      if (!(err instanceof ScheduleNotFoundError)) throw err;
      return false;
    }
  };

  const outcomes = await forEachLimited([...steps], calls.concurrency, Infinity, async (step): Promise<Outcome> => {
    const { scheduleId, reason } = step;
    switch (step.action) {
      case 'describe':
        return { scheduleId, action: 'unchanged', reason: 'could not describe it', status: 'failed' };
      case 'unchanged':
        return { scheduleId, action: 'unchanged', reason, status: 'done' };
      case 'conflict':
        return { scheduleId, action: 'conflict', reason, status: 'skipped' };
      default:
    }
    const outcome = { scheduleId, action: step.action, reason };
    try {
      if (step.action === 'create') await create(step.desired);
      else if (step.action === 'replace') {
        await remove(scheduleId);
        await create(step.desired);
      } else if (step.action === 'update') {
        try {
          await calls.call('update', () => updateWhole(step.desired));
        } catch (err) {
          // Deleted since it was described: it is declared, so it is created.
          if (!(err instanceof ScheduleNotFoundError)) throw err;
          await create(step.desired);
        }
      } else if (step.action === 'delete') {
        if (!(await remove(scheduleId))) return { ...outcome, status: 'done' };
      } else await calls.call('pause', () => schedules.getHandle(scheduleId).pause(ORPHAN_NOTE));
      writes += 1;
      return { ...outcome, status: 'done' };
    } catch (err) {
      if (err instanceof ScheduleAlreadyRunning) return { scheduleId, action: 'unchanged', reason: 'created meanwhile by another reconciler', status: 'done', existed: true };
      if (err instanceof ScheduleNotFoundError && step.action === 'pause') return { ...outcome, status: 'done' };
      return { ...outcome, status: 'failed', error: String(err) };
    }
  });
  return { outcomes, writes, calls: { ...calls.counts } };
}
