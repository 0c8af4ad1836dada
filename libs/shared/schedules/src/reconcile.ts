import { ScheduleNotFoundError, type Client, type Connection, type ScheduleDescription, type ScheduleSummary } from '@temporalio/client';
import { forEachLimited } from '@fleet/shared-limits';
import { apply, planned, TemporalCalls, type CallKind, type CallOptions, type Outcome } from './apply';
import { scheduleIdOf } from './compile';
import type { ScheduleDeclaration } from './declarations';
import { plan, type Observed, type PlanOptions, type Step, type Verify } from './plan';

export interface ReconcileOptions extends CallOptions {
  client: Client;
  declarations: ScheduleDeclaration[];
  /** Projects whose schedules Fleet owns here: their schedules no longer declared are orphans. */
  projects: string[];
  orphans?: 'delete' | 'pause';
  /** Show what would change, change nothing (reads only). */
  plan?: boolean;
  /** Keep API overrides (periodic passes); a reload (worker start, `schedules apply`) reverts them. */
  keepOverrides?: boolean;
  /** Default `listing`. */
  verify?: Verify;
  /** How long a pass waits for the listing to show schedules it found existing but unlisted. Default 5 s. */
  listingWaitMs?: number;
}

export interface ReconcileResult {
  outcomes: Outcome[];
  /** Schedules written (zero when nothing changed). */
  writes: number;
  /** Calls made to Temporal, by kind (a listing counts once, whatever its pages). */
  calls: Record<CallKind, number>;
  durationMs: number;
}

/**
 * Brings Temporal's schedules to what the declarations say, statelessly: one listing, `plan()` on
 * it, a describe of each schedule the listing cannot vouch for and `plan()` again with those
 * descriptions, then `apply()`. Creates are one call, drift is one update, a changed declaration
 * replaces its schedule (its memo holds the declaration), Fleet's schedules no longer declared are
 * deleted or paused, and schedules Fleet does not own are never touched. A schedule a create found
 * existing though the listing did not show it (made moments before, by the pass before or by
 * another reconciler) is checked again from a second listing once it shows it, or described.
 */
export async function reconcile(options: ReconcileOptions): Promise<ReconcileResult> {
  const started = Date.now();
  const { client } = options;
  const calls = new TemporalCalls(client, options);
  const planOptions: PlanOptions = { projects: options.projects, keepOverrides: options.keepOverrides, verify: options.verify, orphans: options.orphans };

  // Fail fast, with one clear error, when Temporal cannot be reached at all.
  try {
    await client.withDeadline(Date.now() + Math.min(calls.timeoutMs, 5000), () => (client.connection as Connection).healthService.check({}));
  } catch (err) {
    throw new Error(`Temporal is unreachable: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }

  const readListing = () =>
    calls.call(
      'list',
      async () => {
        const all = new Map<string, ScheduleSummary>();
        for await (const summary of client.schedule.list({ pageSize: 1000 })) all.set(summary.scheduleId, summary);
        return all;
      },
      Math.max(calls.timeoutMs, 30_000),
    );

  /** Plans, describes what only a description can decide, and plans again. */
  const planObserved = async (declarations: ScheduleDeclaration[], observed: Observed, opts: PlanOptions): Promise<{ steps: Step[]; errors: Map<string, string> }> => {
    const descriptions = new Map<string, ScheduleDescription | null>(observed.descriptions ?? []);
    const errors = new Map<string, string>();
    const initial = plan(declarations, observed, opts);
    const toDescribe = initial.filter((s) => s.action === 'describe');
    if (!toDescribe.length) return { steps: initial, errors };
    await forEachLimited(toDescribe, calls.concurrency, Infinity, async ({ scheduleId }) => {
      try {
        descriptions.set(scheduleId, await calls.call('describe', () => client.schedule.getHandle(scheduleId).describe()));
      } catch (err) {
        if (err instanceof ScheduleNotFoundError) descriptions.set(scheduleId, null);
        else errors.set(scheduleId, String(err));
      }
    });
    return { steps: plan(declarations, { ...observed, descriptions }, opts), errors };
  };

  const withErrors = (outcomes: Outcome[], errors: Map<string, string>) => outcomes.map((o) => (errors.has(o.scheduleId) && o.status === 'failed' ? { ...o, error: errors.get(o.scheduleId) } : o));

  const listing = await readListing();
  const first = await planObserved(options.declarations, { listing }, planOptions);
  if (options.plan) return { outcomes: withErrors(planned(first.steps), first.errors), writes: 0, calls: { ...calls.counts }, durationMs: Date.now() - started };
  const applied = await apply(client, first.steps, { calls });
  let outcomes = withErrors(applied.outcomes, first.errors);
  let writes = applied.writes;

  // Schedules that exist but the listing did not show were most likely created moments ago, and
  // Temporal is still working through them: a describe would wait on the schedule's first workflow
  // task, while its listing entry follows within a second or so. So the listing is read again (for
  // a few seconds at most); what it then shows as declared is left alone, the rest is described.
  const existing = new Set(outcomes.filter((o) => o.existed).map((o) => o.scheduleId));
  if (existing.size) {
    let relisted = listing;
    for (const deadline = Date.now() + (options.listingWaitMs ?? 5000); Date.now() < deadline; ) {
      await new Promise((r) => setTimeout(r, 250));
      relisted = await readListing();
      if ([...existing].every((id) => relisted.has(id))) break;
    }
    const again = options.declarations.filter((d) => existing.has(scheduleIdOf(d.project, d.workflowId)));
    const second = await planObserved(again, { listing: relisted, existing }, { ...planOptions, verify: 'listing', projects: [] });
    const reapplied = await apply(client, second.steps, { calls });
    writes += reapplied.writes;
    const byId = new Map(withErrors(reapplied.outcomes, second.errors).map((o) => [o.scheduleId, o]));
    // A create that finds it existing a second time is left for the next pass, as done.
    outcomes = outcomes.map((o) => {
      const next = byId.get(o.scheduleId);
      if (!next) return o;
      const { existed: _existed, ...rest } = next;
      return rest;
    });
  }
  return { outcomes, writes, calls: { ...calls.counts }, durationMs: Date.now() - started };
}
