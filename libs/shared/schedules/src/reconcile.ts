import { status } from '@grpc/grpc-js';
import { ScheduleAlreadyRunning, ScheduleNotFoundError, type Client, type Connection, type ScheduleDescription, type ScheduleSummary } from '@temporalio/client';
import { grpcCode } from '@fleet/shared-temporal';
import { compileSchedule, declarationHash, declarationInNote, DECLARED_HASH_KEY, MANAGED_NOTE_PREFIX, OVERRIDE_NOTE_PREFIX, OWNER_MEMO_KEY, scheduleIdOf, type DesiredSchedule } from './compile';
import type { ScheduleDeclaration } from './declarations';
import { forEachLimited, TokenBucket } from '@fleet/shared-limits';
import { declaredSpecKey, observedSpecKey } from './spec-match';

export type Action = 'create' | 'update' | 'delete' | 'pause' | 'unchanged' | 'conflict';

export interface Outcome {
  scheduleId: string;
  action: Action;
  reason: string;
  /** planned (plan mode), done, failed, or skipped (a conflict: not Fleet's). */
  status: 'planned' | 'done' | 'failed' | 'skipped';
  error?: string;
}

/**
 * How a pass checks the schedules it finds:
 * - `listing`: one paged listing of the namespace's schedules (Temporal's visibility) shows each
 *   schedule's owner, note (ending with the declaration's hash), paused state, workflow type and
 *   spec; a schedule whose listing shows it as declared is left alone without another call, any
 *   other is described and decided on its description. Visibility is eventually consistent (a
 *   second or two behind on the dev server): a listing that lags can only cost a describe or a
 *   create attempt that finds the schedule, never skip a declaration change (its hash is not in
 *   the listed note until Fleet wrote it). What a listing cannot show is a change made outside
 *   Fleet in the last moments before the pass (found by the next pass), and a change outside Fleet
 *   to what the listing does not carry at all (overlap policy, catch-up window, pause on failure,
 *   task queue, input, workflow id) that leaves the note alone: those are found by a `describe` pass.
 * - `describe`: every declared schedule is described (strongly consistent, about 150 a second on
 *   the dev server): what a reload (gateway start, `schedules apply`) and every few periodic passes do.
 */
export type Verify = 'listing' | 'describe';

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
  /** Default `listing`. */
  verify?: Verify;
  concurrency?: number;
  /** Calls to Temporal a second, at most. */
  callsPerSecond?: number;
  retries?: number;
  /** Deadline of each call to Temporal. Default 10 s. */
  callTimeoutMs?: number;
  /** How long a listing pass waits for the listing to show schedules it found existing but unlisted. Default 5 s. */
  listingWaitMs?: number;
}

export interface ReconcileResult {
  outcomes: Outcome[];
  /** Creates, updates and deletes made (zero when nothing changed). */
  writes: number;
  /** Calls made to Temporal, by kind (a listing counts once, whatever its pages). */
  calls: Record<'list' | 'describe' | 'create' | 'update' | 'delete' | 'pause', number>;
  durationMs: number;
}

/** The note of an orphan Fleet paused (SCHEDULE_ORPHANS=pause). */
const ORPHAN_NOTE = 'no longer declared';

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

function stable(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stable).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value)
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stable((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/**
 * Whether a description shows what Fleet wrote for this declaration, by meaning: the spec as
 * Temporal compiled it (spec-match), the policies, and what the action starts. The paused state
 * and the note are judged apart (overrides).
 */
function standsAsWritten(current: ScheduleDescription, d: ScheduleDeclaration, desired: DesiredSchedule): boolean {
  const declaredSpec = declaredSpecKey(d);
  if (declaredSpec !== undefined && observedSpecKey(current.spec) !== declaredSpec) return false;
  const p = current.policies;
  if (p.overlap !== desired.policies?.overlap || p.pauseOnFailure !== d.pauseOnFailure || p.catchupWindow !== desired.policies?.catchupWindow) return false;
  const a = current.action;
  const want = desired.action;
  return (
    a.type === 'startWorkflow' &&
    stable([a.workflowType, a.taskQueue, a.workflowId, a.args ?? [], a.retry, a.workflowExecutionTimeout, a.workflowRunTimeout, a.workflowTaskTimeout]) ===
      stable([want.workflowType, want.taskQueue, want.workflowId, want.args ?? [], undefined, undefined, undefined, undefined])
  );
}

/** Whether one listing entry shows the schedule as declared (no call needed to know it). */
function listedAsDeclared(listed: ScheduleSummary, d: ScheduleDeclaration, hash: string, keepOverrides: boolean): { asDeclared: boolean; overridden: boolean } {
  const note = listed.state.note ?? '';
  const no = { asDeclared: false, overridden: false };
  if (declarationInNote(note) !== hash || listed.action?.workflowType !== d.workflowType || !listed.spec) return no;
  const declaredSpec = declaredSpecKey(d);
  if (declaredSpec === undefined || observedSpecKey(listed.spec) !== declaredSpec) return no;
  if (note.startsWith(OVERRIDE_NOTE_PREFIX)) return keepOverrides ? { asDeclared: true, overridden: true } : no;
  return { asDeclared: note.startsWith(MANAGED_NOTE_PREFIX) && listed.state.paused === !d.enabled, overridden: false };
}

/**
 * Brings Temporal's schedules to what the declarations say, statelessly. One listing of the
 * namespace's schedules shows which declared schedules stand as declared (see Verify); the others
 * are described, then created, updated (declaration changed, or changed outside Fleet) or left
 * alone; Fleet-owned schedules no longer declared are deleted or paused; schedules Fleet does not
 * own are never touched. A create is one call; an update is one describe and one call (the whole
 * schedule, with the declaration's hash in the action's memo and in the note). Calls go through a
 * bounded pool and a rate limit; one failure does not stop the others, and the result lists every
 * outcome.
 */
export async function reconcile(options: ReconcileOptions): Promise<ReconcileResult> {
  const started = Date.now();
  const attempts = options.retries ?? 5;
  const timeoutMs = options.callTimeoutMs ?? 10_000;
  const verify = options.verify ?? 'listing';
  const keepOverrides = options.keepOverrides ?? false;
  const perSecond = options.callsPerSecond ?? 500;
  const bucket = new TokenBucket(perSecond, perSecond * 60);
  const calls: ReconcileResult['calls'] = { list: 0, describe: 0, create: 0, update: 0, delete: 0, pause: 0 };
  const call = <T>(kind: keyof ReconcileResult['calls'], fn: () => Promise<T>, deadlineMs = timeoutMs) =>
    retrying(attempts, async () => {
      await bucket.take();
      calls[kind] += 1;
      return options.client.withDeadline(Date.now() + deadlineMs, fn);
    });
  const schedules = options.client.schedule;
  let writes = 0;

  // Fail fast, with one clear error, when Temporal cannot be reached at all.
  try {
    await options.client.withDeadline(Date.now() + Math.min(timeoutMs, 5000), () => (options.client.connection as Connection).healthService.check({}));
  } catch (err) {
    throw new Error(`Temporal is unreachable: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }

  // One listing: the fast check of every declared schedule, and the orphans.
  const readListing = () =>
    call(
      'list',
      async () => {
        const all = new Map<string, ScheduleSummary>();
        for await (const summary of schedules.list({ pageSize: 1000 })) all.set(summary.scheduleId, summary);
        return all;
      },
      Math.max(timeoutMs, 30_000),
    );
  const listing = await readListing();

  /** The whole schedule as declared, in one UpdateSchedule call (no describe first, unlike handle.update). */
  const updateWhole = (desired: DesiredSchedule) =>
    // The SDK's own update path minus its describe: the reconciler has just described the schedule.
    (schedules as unknown as { _updateSchedule(id: string, opts: unknown, header: Record<string, never>): Promise<unknown> })._updateSchedule(
      desired.scheduleId,
      { spec: desired.spec, action: desired.action, policies: desired.policies, state: desired.state },
      {},
    );

  const write = async (desired: DesiredSchedule, create: boolean) => {
    if (create) await call('create', () => schedules.create(desired));
    else {
      try {
        await call('update', () => updateWhole(desired));
      } catch (err) {
        // Deleted since it was described: it is declared, so it is created.
        if (!(err instanceof ScheduleNotFoundError)) throw err;
        await call('create', () => schedules.create(desired));
      }
    }
    writes += 1;
  };

  /** The decision from a (strongly consistent) description. */
  const decide = (current: ScheduleDescription, d: ScheduleDeclaration, desired: DesiredSchedule, hash: string): Omit<Outcome, 'status'> => {
    const scheduleId = desired.scheduleId;
    if (current.memo?.[OWNER_MEMO_KEY] !== d.project) return { scheduleId, action: 'conflict', reason: 'a schedule with this id exists and Fleet does not own it: left alone' };
    const memo = current.action.type === 'startWorkflow' ? (current.action.memo ?? {}) : {};
    const note = current.state.note ?? '';
    const isOverride = note.startsWith(OVERRIDE_NOTE_PREFIX);
    // Temporal pauses a schedule declaring pause_on_failure after a failed or timed-out run (note
    // from server 1.29's scheduler): that pause is the declaration at work, kept like an override.
    const failurePause = d.pauseOnFailure && current.state.paused && /^paused due to workflow (failure|timeout): /.test(note);
    const overridden = keepOverrides && (isOverride || failurePause);
    if (memo[DECLARED_HASH_KEY] !== hash) return { scheduleId, action: 'update', reason: 'the declaration changed' };
    if (!standsAsWritten(current, d, desired)) return { scheduleId, action: 'update', reason: 'drift: changed outside Fleet' };
    if (current.state.paused !== !d.enabled && !overridden) return { scheduleId, action: 'update', reason: `drift: ${current.state.paused ? 'paused' : 'unpaused'} outside Fleet` };
    if (overridden) return { scheduleId, action: 'unchanged', reason: failurePause ? 'as declared (paused by Temporal after a failed run: pause_on_failure)' : 'as declared (an API override is in force)' };
    if (isOverride) return { scheduleId, action: 'update', reason: 'the API override is reverted (reload)' };
    if (!note.startsWith(MANAGED_NOTE_PREFIX) || declarationInNote(note) !== hash) {
      return { scheduleId, action: 'update', reason: 'the note does not name the declaration (left by an earlier Fleet, or changed outside Fleet): marked again' };
    }
    return { scheduleId, action: 'unchanged', reason: 'as declared' };
  };

  /** What the listing says of a declared schedule: an outcome, or undefined when only a describe can tell. */
  const fromListing = (listed: ScheduleSummary | undefined, d: ScheduleDeclaration, scheduleId: string, hash: string): Outcome | undefined => {
    if (!listed) return undefined;
    if (listed.memo?.[OWNER_MEMO_KEY] !== d.project) return { scheduleId, action: 'conflict', reason: 'a schedule with this id exists and Fleet does not own it: left alone', status: 'skipped' };
    const seen = listedAsDeclared(listed, d, hash, keepOverrides);
    return seen.asDeclared ? { scheduleId, action: 'unchanged', reason: seen.overridden ? 'as declared (an API override is in force)' : 'as declared', status: 'done' } : undefined;
  };

  /** Describes the schedule, then acts on what the description shows. */
  const byDescribe = async (d: ScheduleDeclaration, createdMeanwhile = false): Promise<Outcome> => {
    const desired = compileSchedule(d);
    const scheduleId = desired.scheduleId;
    const hash = declarationHash(d);
    let current: ScheduleDescription | undefined;
    try {
      current = await call('describe', () => schedules.getHandle(scheduleId).describe());
    } catch (err) {
      if (!(err instanceof ScheduleNotFoundError)) return { scheduleId, action: 'unchanged', reason: 'could not describe it', status: 'failed', error: String(err) };
    }
    const outcome = current ? decide(current, d, desired, hash) : ({ scheduleId, action: 'create', reason: 'declared, not in Temporal' } as const);
    if (outcome.action === 'conflict') return { ...outcome, status: 'skipped' };
    if (outcome.action === 'unchanged') return { ...outcome, reason: createdMeanwhile ? 'created meanwhile by another reconciler' : outcome.reason, status: 'done' };
    if (options.plan) return { ...outcome, status: 'planned' };
    try {
      await write(desired, outcome.action === 'create');
      return { ...outcome, status: 'done' };
    } catch (err) {
      // Another reconciler created it meanwhile: it now stands as declared.
      if (err instanceof ScheduleAlreadyRunning) return { ...outcome, action: 'unchanged', reason: 'created meanwhile by another reconciler', status: 'done' };
      return { ...outcome, status: 'failed', error: String(err) };
    }
  };

  /** First sweep. 'unlisted' is a schedule the listing did not show, whose create found it existing. */
  const one = async (d: ScheduleDeclaration): Promise<Outcome | 'unlisted'> => {
    if (verify === 'describe') return byDescribe(d);
    const desired = compileSchedule(d);
    const scheduleId = desired.scheduleId;
    const listed = listing.get(scheduleId);
    if (listed) return fromListing(listed, d, scheduleId, declarationHash(d)) ?? byDescribe(d);
    // Not listed: most likely absent, so create at once (one call).
    const outcome = { scheduleId, action: 'create', reason: 'declared, not in Temporal' } as const;
    if (options.plan) return { ...outcome, status: 'planned' };
    try {
      await write(desired, true);
      return { ...outcome, status: 'done' };
    } catch (err) {
      return err instanceof ScheduleAlreadyRunning ? 'unlisted' : { ...outcome, status: 'failed', error: String(err) };
    }
  };

  const concurrency = options.concurrency ?? 10;
  const firstSweep = await forEachLimited(options.declarations, concurrency, Infinity, one);

  // Schedules that exist but the listing did not show yet were most likely created moments ago (by
  // the pass before, or by another reconciler), and Temporal is still working through them: a
  // describe would wait on the schedule's first workflow task, while its listing entry follows
  // within a second or so. So the listing is read again (for a few seconds at most); what it then
  // shows as declared is left alone, the rest is described.
  const unlisted = options.declarations.filter((_, i) => firstSweep[i] === 'unlisted');
  let relisted = listing;
  for (const deadline = Date.now() + (options.listingWaitMs ?? 5000); unlisted.length && Date.now() < deadline; ) {
    await new Promise((r) => setTimeout(r, 250));
    relisted = await readListing();
    if (unlisted.every((d) => relisted.has(scheduleIdOf(d.project, d.workflowId)))) break;
  }
  const outcomes = await forEachLimited(
    firstSweep.map((first, i) => ({ first, d: options.declarations[i] as ScheduleDeclaration })),
    concurrency,
    Infinity,
    async ({ first, d }): Promise<Outcome> => {
      if (first !== 'unlisted') return first;
      const scheduleId = scheduleIdOf(d.project, d.workflowId);
      const seen = fromListing(relisted.get(scheduleId), d, scheduleId, declarationHash(d));
      return seen?.action === 'unchanged' ? { ...seen, reason: 'as declared (created moments before, not in the first listing)' } : (seen ?? byDescribe(d, true));
    },
  );

  // Orphans: Fleet-owned schedules of these projects that no declaration names any more.
  const declaredIds = new Set(outcomes.map((o) => o.scheduleId));
  const orphans: string[] = [];
  for (const summary of listing.values()) {
    const owner = summary.memo?.[OWNER_MEMO_KEY];
    if (typeof owner === 'string' && options.projects.includes(owner) && !declaredIds.has(summary.scheduleId)) orphans.push(summary.scheduleId);
  }
  const orphanAction = options.orphans ?? 'delete';
  const orphanOutcomes = await forEachLimited(orphans, concurrency, Infinity, async (scheduleId): Promise<Outcome> => {
    const outcome = { scheduleId, action: orphanAction, reason: 'no longer declared' } as const;
    const listed = listing.get(scheduleId);
    if (orphanAction === 'pause' && listed?.state.paused && listed.state.note === ORPHAN_NOTE) {
      return { scheduleId, action: 'unchanged', reason: 'no longer declared, paused already', status: 'done' };
    }
    if (options.plan) return { ...outcome, status: 'planned' };
    const handle = schedules.getHandle(scheduleId);
    try {
      if (orphanAction === 'delete') await call('delete', () => handle.delete());
      else await call('pause', () => handle.pause(ORPHAN_NOTE));
      writes += 1;
      return { ...outcome, status: 'done' };
    } catch (err) {
      if (err instanceof ScheduleNotFoundError) return { ...outcome, status: 'done' };
      return { ...outcome, status: 'failed', error: String(err) };
    }
  });
  return { outcomes: [...outcomes, ...orphanOutcomes], writes, calls, durationMs: Date.now() - started };
}
