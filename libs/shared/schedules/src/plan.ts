import type { ScheduleDescription, ScheduleSummary } from '@temporalio/client';
import { compileSchedule, declarationFromMemo, declarationHashInMemo, declarationInNote, MANAGED_NOTE_PREFIX, ORPHAN_NOTE, OVERRIDE_NOTE_PREFIX, ownerOf, type DesiredSchedule } from './compile';
import type { ScheduleDeclaration } from './declarations';
import { declaredSpecKey, observedSpecKey } from './spec-match';

/**
 * How a pass checks the schedules it finds:
 * - `listing`: one paged listing of the namespace's schedules (Temporal's visibility) shows each
 *   schedule's memo (owner and declaration), note (ending with the declaration's hash), paused
 *   state, workflow type and spec; a schedule whose listing shows it as declared is left alone
 *   without another call, any other is described and decided on its description. Visibility is
 *   eventually consistent (a second or two behind on the dev server): a listing that lags can only
 *   cost a describe or a create attempt that finds the schedule, never hide a declaration change
 *   (the listing only ever confirms "as declared"). What a listing cannot show is a change made
 *   outside Fleet in the last moments before the pass (found by the next pass), and a change
 *   outside Fleet to what the listing does not carry at all (overlap policy, catch-up window, pause
 *   on failure, task queue, input, workflow id) that leaves the note alone: a `describe` pass finds those.
 * - `describe`: every declared schedule is described (strongly consistent, about 150 a second on
 *   the dev server).
 */
export type Verify = 'listing' | 'describe';

/** What a pass decides for one schedule. */
export type Step =
  /** create: declared, not in Temporal. update: drift, one UpdateSchedule of the whole schedule. replace: the declaration changed, so its memo must: delete, then create. */
  | { action: 'create' | 'update' | 'replace'; scheduleId: string; reason: string; desired: DesiredSchedule }
  /** An orphan (Fleet's, no longer declared) deleted or paused. */
  | { action: 'delete' | 'pause'; scheduleId: string; reason: string }
  /** unchanged: nothing to write. conflict: a schedule with the id that Fleet does not own, left alone. */
  | { action: 'unchanged' | 'conflict'; scheduleId: string; reason: string }
  /** Only a description can tell: describe it, then plan again with the description. */
  | { action: 'describe'; scheduleId: string; reason: string };

export type StepAction = Step['action'];

/** What Temporal showed a pass. */
export interface Observed {
  /** One listing of the namespace's schedules (visibility, eventually consistent), by schedule id. */
  listing: ReadonlyMap<string, ScheduleSummary>;
  /** Descriptions read (strongly consistent); null: described, and there is no such schedule. */
  descriptions?: ReadonlyMap<string, ScheduleDescription | null>;
  /** Schedules known to exist that the listing may not show yet (a create found them). */
  existing?: ReadonlySet<string>;
}

export interface PlanOptions {
  /** Projects whose schedules Fleet owns here: their schedules no longer declared are orphans. */
  projects: readonly string[];
  /** Keep API overrides and pauses after a failure (periodic passes); a reload (start, apply) reverts them. */
  keepOverrides?: boolean;
  /** Default `listing`. */
  verify?: Verify;
  orphans?: 'delete' | 'pause';
}

const CONFLICT = 'a schedule with this id exists and Fleet does not own it: left alone';

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

/** The decision from a (strongly consistent) description. */
export function decideFromDescription(current: ScheduleDescription, d: ScheduleDeclaration, desired: DesiredSchedule, keepOverrides: boolean): Step {
  const scheduleId = desired.scheduleId;
  const hash = declarationHashInMemo(desired.memo);
  if (ownerOf(current.memo) !== d.project) return { scheduleId, action: 'conflict', reason: CONFLICT };
  const memo = declarationFromMemo(current.memo);
  if (!memo) return { scheduleId, action: 'replace', reason: 'its memo holds no declaration (made by an earlier Fleet): replaced', desired };
  if (memo.hash !== hash) return { scheduleId, action: 'replace', reason: 'the declaration changed', desired };
  const note = current.state.note ?? '';
  const isOverride = note.startsWith(OVERRIDE_NOTE_PREFIX);
  // Temporal pauses a schedule declaring pause_on_failure after a failed or timed-out run (note
  // from server 1.29's scheduler): that pause is the declaration at work, kept like an override.
  const failurePause = d.pauseOnFailure && current.state.paused && /^paused due to workflow (failure|timeout): /.test(note);
  const overridden = keepOverrides && (isOverride || failurePause);
  if (!standsAsWritten(current, d, desired)) return { scheduleId, action: 'update', reason: 'drift: changed outside Fleet', desired };
  if (current.state.paused !== !d.enabled && !overridden) return { scheduleId, action: 'update', reason: `drift: ${current.state.paused ? 'paused' : 'unpaused'} outside Fleet`, desired };
  if (overridden) return { scheduleId, action: 'unchanged', reason: failurePause ? 'as declared (paused by Temporal after a failed run: pause_on_failure)' : 'as declared (an API override is in force)' };
  if (isOverride) return { scheduleId, action: 'update', reason: 'the API override is reverted (reload)', desired };
  if (!note.startsWith(MANAGED_NOTE_PREFIX) || declarationInNote(note) !== hash) {
    return { scheduleId, action: 'update', reason: 'the note does not name the declaration (changed outside Fleet): marked again', desired };
  }
  return { scheduleId, action: 'unchanged', reason: 'as declared' };
}

/**
 * What one listing entry says: 'as declared' or 'as declared (an API override is in force)' when
 * it shows the schedule so (no call needed), a conflict when Fleet does not own it, otherwise
 * undefined: only a description can tell. A listing only ever confirms; it never decides a write.
 */
export function decideFromListing(listed: ScheduleSummary, d: ScheduleDeclaration, desired: DesiredSchedule, keepOverrides: boolean): Step | undefined {
  const scheduleId = desired.scheduleId;
  if (ownerOf(listed.memo) !== d.project) return { scheduleId, action: 'conflict', reason: CONFLICT };
  const hash = declarationHashInMemo(desired.memo);
  const note = listed.state.note ?? '';
  if (declarationHashInMemo(listed.memo) !== hash || declarationInNote(note) !== hash || listed.action?.workflowType !== d.workflowType || !listed.spec) return undefined;
  const declaredSpec = declaredSpecKey(d);
  if (declaredSpec === undefined || observedSpecKey(listed.spec) !== declaredSpec) return undefined;
  if (note.startsWith(OVERRIDE_NOTE_PREFIX)) return keepOverrides ? { scheduleId, action: 'unchanged', reason: 'as declared (an API override is in force)' } : undefined;
  return note.startsWith(MANAGED_NOTE_PREFIX) && listed.state.paused === !d.enabled ? { scheduleId, action: 'unchanged', reason: 'as declared' } : undefined;
}

/**
 * What a pass should do, from what Temporal showed it: pure (no client, no clock), so every rule is
 * unit-tested without a server. Steps come in declaration order, then the orphans.
 *
 * For each declaration: a description, when there is one, decides (create when it found nothing).
 * Otherwise, with `verify: describe`, it is to be described. Otherwise the listing: an entry showing
 * it as declared leaves it alone, an entry of a schedule Fleet does not own is a conflict, any other
 * entry is to be described; no entry means create, unless the schedule is known to exist (then it
 * is to be described). Orphans are Fleet's schedules of `projects` in the listing that no
 * declaration names: deleted, or paused (left alone when paused so already).
 */
export function plan(declarations: readonly ScheduleDeclaration[], observed: Observed, options: PlanOptions): Step[] {
  const keepOverrides = options.keepOverrides ?? false;
  const verify = options.verify ?? 'listing';
  const steps: Step[] = declarations.map((d): Step => {
    const desired = compileSchedule(d);
    const scheduleId = desired.scheduleId;
    const existedUnlisted = observed.existing?.has(scheduleId) ?? false;
    const description = observed.descriptions?.get(scheduleId);
    if (description === null) return { scheduleId, action: 'create', reason: 'declared, not in Temporal', desired };
    if (description) {
      const step = decideFromDescription(description, d, desired, keepOverrides);
      return existedUnlisted && step.action === 'unchanged' ? { ...step, reason: 'created meanwhile by another reconciler' } : step;
    }
    if (verify === 'describe') return { scheduleId, action: 'describe', reason: 'every schedule is described' };
    const listed = observed.listing.get(scheduleId);
    if (listed) {
      const step = decideFromListing(listed, d, desired, keepOverrides);
      if (step && existedUnlisted && step.action === 'unchanged') return { ...step, reason: 'as declared (created moments before, not in the first listing)' };
      return step ?? { scheduleId, action: 'describe', reason: 'the listing does not show it as declared' };
    }
    if (existedUnlisted) return { scheduleId, action: 'describe', reason: 'it exists, and the listing does not show it yet' };
    return { scheduleId, action: 'create', reason: 'declared, not in Temporal', desired };
  });

  const declared = new Set(steps.map((s) => s.scheduleId));
  const orphans = options.orphans ?? 'delete';
  for (const summary of observed.listing.values()) {
    const owner = ownerOf(summary.memo);
    if (owner === undefined || !options.projects.includes(owner) || declared.has(summary.scheduleId)) continue;
    const scheduleId = summary.scheduleId;
    if (orphans === 'pause' && summary.state.paused && summary.state.note === ORPHAN_NOTE) steps.push({ scheduleId, action: 'unchanged', reason: 'no longer declared, paused already' });
    else steps.push({ scheduleId, action: orphans, reason: 'no longer declared' });
  }
  return steps;
}
