import type { OverlapPolicyName } from '@fleet/shared-schedules';
import { ScheduleNotFoundError, type Client, type ScheduleOverlapPolicy } from '@temporalio/client';
import type { Request, Response } from 'express';
import { sendProblem } from '../problem';
import { dateOf } from './listing';

/*
 * A backfill runs the times a schedule would have run in a window, with its own overlap policy:
 * the request's, or buffer_all (every time in the window, one after another), never the
 * schedule's (a daily schedule declared `skip` would otherwise start the first of three missed
 * days and skip the other two while it runs). The answer says how many times the window holds
 * (Temporal's ListScheduleMatchingTimes) and, from the schedule's counters before and after a
 * short bounded wait, how many started, wait in the buffer or were skipped, and why.
 */

/** The policy of a backfill that names none: every time in the window runs, one after another. */
export const DEFAULT_BACKFILL_OVERLAP: OverlapPolicyName = 'buffer_all';
/** The longest window a backfill takes. */
export const MAX_BACKFILL_WINDOW_MS = 366 * 86_400_000;
/**
 * The most runs a backfill takes, fewer than ListScheduleMatchingTimes's own cap (1,000 times, server
 * 1.29): a window holding 1,000 or more is refused, not cut short.
 */
export const MAX_BACKFILL_RUNS = 999;
/** How long the answer waits for the schedule to have taken the backfill's times (started, buffered or skipped). */
export const BACKFILL_SETTLE_MS = 2000;

export interface BackfillBody {
  start: string;
  end: string;
  overlapPolicy?: OverlapPolicyName;
}

interface Counters {
  taken: number;
  skipped: number;
  buffered: number;
}

const num = (n: { toNumber(): number } | number | string | null | undefined): number => (n == null ? 0 : typeof n === 'object' ? n.toNumber() : Number(n));
const ts = (ms: number) => ({ seconds: Math.floor(ms / 1000), nanos: (((ms % 1000) + 1000) % 1000) * 1e6 }) as never;

/** A Temporal NOT_FOUND as the schedule client's own error, so that the caller answers 404. */
function notFound(scheduleId: string) {
  return (err: unknown): never => {
    if ((err as { code?: number }).code === 5) throw new ScheduleNotFoundError(`schedule ${scheduleId} not found`, scheduleId);
    throw err;
  };
}

async function countersOf(client: Client, scheduleId: string): Promise<Counters> {
  const { info } = await client.workflowService.describeSchedule({ namespace: client.options.namespace, scheduleId }).catch(notFound(scheduleId));
  return { taken: num(info?.actionCount), skipped: num(info?.overlapSkipped), buffered: num(info?.bufferSize) };
}

function reasonOf(policy: OverlapPolicyName, runs: number, a: { started: number; buffered: number; skipped: number; pending: number }): string {
  if (runs === 0) return 'no time of the schedule falls in the window';
  const parts: string[] = [];
  if (a.started === runs) parts.push(`every run in the window started`);
  else if (a.started) parts.push(`${a.started} started`);
  if (a.buffered) parts.push(`${a.buffered} waiting: each starts when the run before it ends (${policy})`);
  if (a.skipped) {
    parts.push(
      policy === 'buffer_one'
        ? `${a.skipped} skipped: a run was still running and one was already waiting (buffer_one keeps one)`
        : `${a.skipped} skipped: a run of this schedule was still running (${policy} skips a time while one runs)`,
    );
  }
  if (a.pending) parts.push(`${a.pending} not taken yet after ${BACKFILL_SETTLE_MS} ms (the schedule takes them shortly: GET the schedule for its runs)`);
  return parts.join('; ');
}

/**
 * Handles POST /schedules/{workflowId}/backfill for the schedule found; `present` runs a call on it,
 * answering 404 (or 400) itself and returning false when it is not in Temporal.
 */
export async function backfillRoute(client: Client, scheduleId: string, req: Request, res: Response, present: (fn: () => Promise<unknown>) => Promise<boolean>): Promise<void> {
  const { start, end, overlapPolicy = DEFAULT_BACKFILL_OVERLAP } = req.body as BackfillBody;
  const startMs = Date.parse(start);
  const endMs = Date.parse(end);
  const tooBig = (message: string) => sendProblem(res, 400, 'Invalid request body', `end: ${message}`, [{ field: 'end', message }]);
  if (endMs <= startMs) return tooBig('is not after start');
  if (endMs - startMs > MAX_BACKFILL_WINDOW_MS) return tooBig('the window is longer than 366 days: split it');

  let times: Date[] = [];
  const listed = await present(async () => {
    const matching = await client.workflowService
      .listScheduleMatchingTimes({ namespace: client.options.namespace, scheduleId, startTime: ts(startMs), endTime: ts(endMs) })
      .catch(notFound(scheduleId));
    times = (matching.startTime ?? []).map((t) => dateOf(t)).filter((d): d is Date => d !== undefined);
  });
  if (!listed) return;
  const runsInWindow = times.length;
  if (runsInWindow > MAX_BACKFILL_RUNS) return tooBig(`the window holds ${runsInWindow >= 1000 ? '1,000 or more' : runsInWindow} runs of the schedule, more than ${MAX_BACKFILL_RUNS}: split it`);
  const answer = (a: { started: number; buffered: number; skipped: number; pending: number }) =>
    res.status(202).json({ scheduleId, start, end, overlapPolicy, runsInWindow, ...a, reason: reasonOf(overlapPolicy, runsInWindow, a) });
  if (runsInWindow === 0) return void answer({ started: 0, buffered: 0, skipped: 0, pending: 0 });

  let before: Counters | undefined;
  const done = await present(async () => {
    before = await countersOf(client, scheduleId);
    await client.schedule
      .getHandle(scheduleId)
      .backfill([{ start: new Date(startMs), end: new Date(endMs), overlap: overlapPolicy.toUpperCase() as ScheduleOverlapPolicy }]);
  });
  if (!done || !before) return;

  // The schedule takes the backfill's times in its own workflow, moments after the call: its
  // counters are read until they account for every time, for BACKFILL_SETTLE_MS at most. (A run of
  // the schedule's own falling due in that moment would be counted too.)
  const from = before;
  const settleBy = Date.now() + BACKFILL_SETTLE_MS;
  let seen = { started: 0, buffered: 0, skipped: 0, pending: runsInWindow };
  const settled = await present(async () => {
    for (;;) {
      const now = await countersOf(client, scheduleId);
      const started = Math.max(0, now.taken - from.taken);
      const skipped = Math.max(0, now.skipped - from.skipped);
      const buffered = Math.min(Math.max(0, now.buffered - from.buffered), runsInWindow);
      seen = { started, buffered, skipped, pending: Math.max(0, runsInWindow - started - buffered - skipped) };
      if (seen.pending === 0 || Date.now() >= settleBy) return;
      await new Promise((r) => setTimeout(r, 100));
    }
  });
  if (settled) answer(seen);
}
