import { status } from '@grpc/grpc-js';
import { ScheduleAlreadyRunning, ScheduleNotFoundError, type Client, type Connection, type ScheduleDescription, type ScheduleHandle } from '@temporalio/client';
import { createHash } from 'node:crypto';
import { compileSchedule, declarationHash, DECLARED_HASH_KEY, OWNER_MEMO_KEY, type DesiredSchedule } from './compile';
import type { ScheduleDeclaration } from './declarations';
import { forEachLimited } from './pool';
import { grpcCode } from '@fleet/shared-temporal';

/** On the action's memo: the hash of the schedule as Temporal described it right after Fleet wrote it. */
export const OBSERVED_HASH_KEY = 'fleetObservedHash';
/** A note starting so marks a temporary override made through the API. */
export const OVERRIDE_NOTE_PREFIX = 'fleet-override:';

export type Action = 'create' | 'update' | 'delete' | 'pause' | 'unchanged' | 'conflict';

export interface Outcome {
  scheduleId: string;
  action: Action;
  reason: string;
  /** planned (plan mode), done, failed, or skipped (a conflict: not Fleet's). */
  status: 'planned' | 'done' | 'failed' | 'skipped';
  error?: string;
}

export interface ReconcileOptions {
  client: Client;
  declarations: ScheduleDeclaration[];
  /** Projects whose schedules Fleet owns here: their schedules no longer declared are orphans. */
  projects: string[];
  orphans?: 'delete' | 'pause';
  /** Show what would change, change nothing. */
  plan?: boolean;
  /** Keep API overrides (periodic reconcile); a reload (start, apply from the CLI) reverts them. */
  keepOverrides?: boolean;
  concurrency?: number;
  callsPerSecond?: number;
  retries?: number;
  /** Deadline of each call to Temporal. Default 10 s. */
  callTimeoutMs?: number;
}

export interface ReconcileResult {
  outcomes: Outcome[];
  /** Creates, updates and deletes made (zero when nothing changed). */
  writes: number;
  durationMs: number;
}

const TRANSIENT = new Set<number>([status.UNAVAILABLE, status.DEADLINE_EXCEEDED, status.RESOURCE_EXHAUSTED, status.ABORTED, status.INTERNAL, status.UNKNOWN]);


/** Retries transient failures with exponential backoff; an invalid argument fails at once. */
async function retrying<T>(attempts: number, fn: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      const code = grpcCode(err);
      if (attempt >= attempts || code === undefined || !TRANSIENT.has(code)) throw err;
      await new Promise((r) => setTimeout(r, Math.min(100 * 2 ** attempt, 5000)));
    }
  }
}

/** A hash of the schedule as Temporal describes it: what a change made outside Fleet alters. */
export function observedHash(d: ScheduleDescription): string {
  const action = d.action.type === 'startWorkflow' ? { workflowType: d.action.workflowType, taskQueue: d.action.taskQueue, args: d.action.args } : d.action;
  const seen = { spec: d.spec, policies: d.policies, action };
  return createHash('sha256').update(JSON.stringify(seen, (_k, v: unknown) => (v instanceof Date ? v.toISOString() : v))).digest('hex').slice(0, 32);
}

/**
 * Brings Temporal's schedules to what the declarations say, statelessly: each declared schedule is
 * described, then created, updated (declaration changed, or changed outside Fleet) or left alone;
 * Fleet-owned schedules no longer declared are deleted or paused; schedules Fleet does not own are
 * never touched. Calls go through a bounded pool and a rate limit; one failure does not stop the
 * others, and the result lists every outcome.
 */
export async function reconcile(options: ReconcileOptions): Promise<ReconcileResult> {
  const started = Date.now();
  const attempts = options.retries ?? 5;
  const timeoutMs = options.callTimeoutMs ?? 10_000;
  const call = <T>(fn: () => Promise<T>) => retrying(attempts, () => options.client.withDeadline(Date.now() + timeoutMs, fn));
  let writes = 0;

  // Fail fast, with one clear error, when Temporal cannot be reached at all.
  try {
    await options.client.withDeadline(Date.now() + Math.min(timeoutMs, 5000), () => (options.client.connection as Connection).healthService.check({}));
  } catch (err) {
    throw new Error(`Temporal is unreachable: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }

  /** Records what Temporal made of Fleet's write, so a later edit elsewhere shows as drift. */
  const stamp = async (handle: ScheduleHandle, declared: string) => {
    const described = await call(() => handle.describe());
    await call(() =>
      handle.update((prev) => ({
        ...prev,
        action: { ...prev.action, memo: { ...(prev.action.memo ?? {}), [DECLARED_HASH_KEY]: declared, [OBSERVED_HASH_KEY]: observedHash(described) } },
      })),
    );
  };

  const write = async (desired: DesiredSchedule, declared: string, create: boolean) => {
    const handle = options.client.schedule.getHandle(desired.scheduleId);
    if (create) {
      await call(() => options.client.schedule.create(desired));
    } else {
      await call(() =>
        handle.update(() => ({ spec: desired.spec, action: desired.action, policies: desired.policies ?? {}, state: { paused: desired.state?.paused ?? false, note: desired.state?.note } })),
      );
    }
    writes += 1;
    await stamp(handle, declared);
  };

  const one = async (d: ScheduleDeclaration): Promise<Outcome> => {
    const desired = compileSchedule(d);
    const scheduleId = desired.scheduleId;
    const declared = declarationHash(d);
    let outcome: Omit<Outcome, 'status'>;
    let current: ScheduleDescription | undefined;
    try {
      current = await call(() => options.client.schedule.getHandle(scheduleId).describe());
    } catch (err) {
      if (!(err instanceof ScheduleNotFoundError)) return { scheduleId, action: 'unchanged', reason: 'could not describe it', status: 'failed', error: String(err) };
    }
    if (!current) {
      outcome = { scheduleId, action: 'create', reason: 'declared, not in Temporal' };
    } else if (current.memo?.[OWNER_MEMO_KEY] !== d.project) {
      return { scheduleId, action: 'conflict', reason: 'a schedule with this id exists and Fleet does not own it: left alone', status: 'skipped' };
    } else {
      const memo = current.action.type === 'startWorkflow' ? (current.action.memo ?? {}) : {};
      const overridden = options.keepOverrides && (current.state.note ?? '').startsWith(OVERRIDE_NOTE_PREFIX);
      if (memo[DECLARED_HASH_KEY] !== declared) outcome = { scheduleId, action: 'update', reason: 'the declaration changed' };
      else if (memo[OBSERVED_HASH_KEY] !== observedHash(current)) outcome = { scheduleId, action: 'update', reason: 'drift: changed outside Fleet' };
      else if (current.state.paused !== !d.enabled && !overridden) {
        outcome = { scheduleId, action: 'update', reason: `drift: ${current.state.paused ? 'paused' : 'unpaused'} outside Fleet` };
      } else outcome = { scheduleId, action: 'unchanged', reason: overridden ? 'as declared (an API override is in force)' : 'as declared' };
    }
    if (options.plan || outcome.action === 'unchanged') return { ...outcome, status: outcome.action === 'unchanged' ? 'done' : 'planned' };
    try {
      await write(desired, declared, outcome.action === 'create');
      return { ...outcome, status: 'done' };
    } catch (err) {
      // Another reconciler created it meanwhile: it now stands as declared.
      if (err instanceof ScheduleAlreadyRunning) return { ...outcome, action: 'unchanged', reason: 'created meanwhile by another reconciler', status: 'done' };
      return { ...outcome, status: 'failed', error: String(err) };
    }
  };

  const concurrency = options.concurrency ?? 10;
  const perSecond = options.callsPerSecond ?? 500;
  const outcomes = await forEachLimited(options.declarations, concurrency, perSecond, one);

  // Orphans: Fleet-owned schedules of these projects that no declaration names any more.
  const declaredIds = new Set(outcomes.map((o) => o.scheduleId));
  const orphans: string[] = [];
  for await (const summary of options.client.schedule.list()) {
    const owner = summary.memo?.[OWNER_MEMO_KEY];
    if (typeof owner === 'string' && options.projects.includes(owner) && !declaredIds.has(summary.scheduleId)) orphans.push(summary.scheduleId);
  }
  const orphanAction = options.orphans ?? 'delete';
  const orphanOutcomes = await forEachLimited(orphans, concurrency, perSecond, async (scheduleId): Promise<Outcome> => {
    const outcome = { scheduleId, action: orphanAction, reason: 'no longer declared' } as const;
    if (options.plan) return { ...outcome, status: 'planned' };
    const handle = options.client.schedule.getHandle(scheduleId);
    try {
      if (orphanAction === 'delete') await call(() => handle.delete());
      else await call(() => handle.pause('no longer declared'));
      writes += 1;
      return { ...outcome, status: 'done' };
    } catch (err) {
      if (err instanceof ScheduleNotFoundError) return { ...outcome, status: 'done' };
      return { ...outcome, status: 'failed', error: String(err) };
    }
  });
  return { outcomes: [...outcomes, ...orphanOutcomes], writes, durationMs: Date.now() - started };
}
