import { ScheduleOverlapPolicy, type ScheduleDescription, type ScheduleSummary } from '@temporalio/client';
import { z } from 'zod';
import { compileSchedule, declarationHash, DECLARATION_MEMO_KEY, managedNote, ORPHAN_NOTE, OWNER_MEMO_KEY, scheduleIdOf, withDeclaration, type DesiredSchedule } from './compile';
import { parseDeclarations, type ScheduleDeclaration } from './declarations';
import { plan, type PlanOptions, type Step } from './plan';

// plan() is pure: these tests build what Temporal (server 1.29) shows of a schedule, a listing
// entry or a description, as plain data, and check the decision. No server is involved.

const schemas = { reportWorkflow: z.object({ days: z.number().int().optional() }).strict() };

function declare(workflows: { id: string; schedule: string }[], project = 'reports'): ScheduleDeclaration[] {
  const text = `project: ${project}\nworkflows:\n${workflows.map((w) => `  - { id: ${w.id}, type: reportWorkflow, task_queue: reports, schedule: ${w.schedule} }\n`).join('')}`;
  return parseDeclarations([{ file: 'apps/reports/workflows.yaml', text }], schemas);
}

const range = <T>(start: T, end: T = start) => ({ start, end, step: 1 });
/** The spec Temporal gives back for `<minute> <hour> * * *`: calendars, never the cron string. */
const daily = (hour: number, timezone: string, minute = 0) => ({
  calendars: [{ second: [range(0)], minute: [range(minute)], hour: [range(hour)], dayOfMonth: [range(1, 31)], month: [range('JANUARY', 'DECEMBER')], year: [], dayOfWeek: [range('SUNDAY', 'SATURDAY')], comment: '' }],
  intervals: [],
  skip: [],
  timezone,
});

interface Shown {
  paused?: boolean;
  note?: string;
  memo?: Record<string, unknown>;
  spec?: ReturnType<typeof daily>;
  overlap?: ScheduleOverlapPolicy;
}

/** A schedule as Fleet wrote it for `d` (what a create leaves), with `over` changed. */
function written(d: ScheduleDeclaration, hour: number, over: Shown = {}) {
  const desired = compileSchedule(d);
  const state = { paused: over.paused ?? !d.enabled, note: over.note ?? desired.state?.note };
  const memo = over.memo ?? desired.memo;
  const spec = over.spec ?? daily(hour, d.timezone);
  const summary = { scheduleId: desired.scheduleId, memo, state, spec, action: { type: 'startWorkflow', workflowType: d.workflowType }, info: { recentActions: [], nextActionTimes: [] } } as unknown as ScheduleSummary;
  const description = {
    scheduleId: desired.scheduleId,
    memo,
    state,
    spec,
    action: { ...desired.action, args: desired.action.args },
    policies: { overlap: over.overlap ?? desired.policies?.overlap, pauseOnFailure: d.pauseOnFailure, catchupWindow: desired.policies?.catchupWindow },
  } as unknown as ScheduleDescription;
  return { summary, description };
}

const listingOf = (...summaries: ScheduleSummary[]) => new Map(summaries.map((s) => [s.scheduleId, s]));
const brief = (steps: Step[]) => steps.map((s) => [s.scheduleId, s.action, s.reason]);
const id = (workflowId: string) => scheduleIdOf('reports', workflowId);

const nightly = declare([{ id: 'nightly', schedule: '{ cron: "0 2 * * *", timezone: Asia/Kolkata }' }]);
const [d] = nightly as [ScheduleDeclaration];
const options: PlanOptions = { projects: ['reports'] };

describe('plan: what a pass does, from what Temporal shows', () => {
  it('creates what Temporal does not have: at once from the listing, or after a describe that finds nothing', () => {
    expect(brief(plan(nightly, { listing: new Map() }, options))).toEqual([[id('nightly'), 'create', 'declared, not in Temporal']]);
    const describing = { ...options, verify: 'describe' as const };
    expect(plan(nightly, { listing: new Map() }, describing).map((s) => s.action)).toEqual(['describe']);
    const created = plan(nightly, { listing: new Map(), descriptions: new Map([[id('nightly'), null]]) }, describing);
    expect(created).toEqual([expect.objectContaining({ action: 'create', desired: expect.objectContaining({ scheduleId: id('nightly') }) })]);
  });

  it('no change: a listing entry showing the schedule as written decides it, with no describe', () => {
    const { summary, description } = written(d, 2);
    expect(brief(plan(nightly, { listing: listingOf(summary) }, options))).toEqual([[id('nightly'), 'unchanged', 'as declared']]);
    // And a description of it agrees.
    expect(brief(plan(nightly, { listing: new Map(), descriptions: new Map([[id('nightly'), description]]) }, { ...options, verify: 'describe' }))).toEqual([
      [id('nightly'), 'unchanged', 'as declared'],
    ]);
  });

  it('a changed declaration: the listing cannot vouch for it, the description decides a replace (the memo holds the declaration)', () => {
    const { summary, description } = written(d, 2);
    const [changed] = declare([{ id: 'nightly', schedule: '{ cron: "0 3 * * *", timezone: Asia/Kolkata }' }]) as [ScheduleDeclaration];
    const first = plan([changed], { listing: listingOf(summary) }, options);
    expect(brief(first)).toEqual([[id('nightly'), 'describe', 'the listing does not show it as declared']]);
    const final = plan([changed], { listing: listingOf(summary), descriptions: new Map([[id('nightly'), description]]) }, options);
    expect(final).toEqual([expect.objectContaining({ action: 'replace', reason: 'the declaration changed' })]);
    const desired = (final[0] as Step & { desired: DesiredSchedule }).desired;
    expect(desired.memo).toEqual({ [OWNER_MEMO_KEY]: 'reports', [DECLARATION_MEMO_KEY]: expect.objectContaining({ cron: '0 3 * * *', hash: declarationHash(changed) }) });
    // A schedule made by an earlier Fleet, whose memo holds only its owner, is replaced the same way.
    const legacy = written(d, 2, { memo: { [OWNER_MEMO_KEY]: 'reports' } });
    expect(brief(plan(nightly, { listing: listingOf(legacy.summary), descriptions: new Map([[id('nightly'), legacy.description]]) }, options))).toEqual([
      [id('nightly'), 'replace', 'its memo holds no declaration (made by an earlier Fleet): replaced'],
    ]);
  });

  it('drift: a pause or a spec edit made outside Fleet is put back with one update', () => {
    const paused = written(d, 2, { paused: true, note: 'paused in the UI' });
    expect(brief(plan(nightly, { listing: listingOf(paused.summary), descriptions: new Map([[id('nightly'), paused.description]]) }, options))).toEqual([[id('nightly'), 'update', 'drift: paused outside Fleet']]);
    // Once its listing shows the pause, a listing pass describes it (it does not trust the note alone).
    expect(plan(nightly, { listing: listingOf(paused.summary) }, options).map((s) => s.action)).toEqual(['describe']);

    const utc = written(d, 2, { spec: daily(2, 'UTC') });
    expect(plan(nightly, { listing: listingOf(utc.summary) }, options).map((s) => s.action)).toEqual(['describe']);
    expect(brief(plan(nightly, { listing: listingOf(utc.summary), descriptions: new Map([[id('nightly'), utc.description]]) }, options))).toEqual([
      [id('nightly'), 'update', 'drift: changed outside Fleet'],
    ]);

    // A policy edit keeps the note and is not in any listing: only a describing pass sees it.
    const policy = written(d, 2, { overlap: ScheduleOverlapPolicy.ALLOW_ALL });
    expect(brief(plan(nightly, { listing: listingOf(policy.summary) }, options))).toEqual([[id('nightly'), 'unchanged', 'as declared']]);
    expect(brief(plan(nightly, { listing: listingOf(policy.summary), descriptions: new Map([[id('nightly'), policy.description]]) }, { ...options, verify: 'describe' }))).toEqual([
      [id('nightly'), 'update', 'drift: changed outside Fleet'],
    ]);
  });

  it('an API override is kept by a periodic pass and reverted by a reload', () => {
    // The API's override note ends with the declaration's hash (it reads it from the memo), so a listing can vouch for it.
    const overridden = written(d, 2, { paused: true, note: withDeclaration('fleet-override: enabled=false by ops at 2026-01-01T00:00:00Z', declarationHash(d)) });
    const observed = { listing: listingOf(overridden.summary), descriptions: new Map([[id('nightly'), overridden.description]]) };
    expect(brief(plan(nightly, { listing: observed.listing }, { ...options, keepOverrides: true }))).toEqual([[id('nightly'), 'unchanged', 'as declared (an API override is in force)']]);
    expect(brief(plan(nightly, observed, { ...options, keepOverrides: true }))).toEqual([[id('nightly'), 'unchanged', 'as declared (an API override is in force)']]);
    expect(plan(nightly, { listing: observed.listing }, options).map((s) => s.action)).toEqual(['describe']);
    expect(brief(plan(nightly, observed, options))).toEqual([[id('nightly'), 'update', 'drift: paused outside Fleet']]);
    // A note with no hash (or another's) is not vouched for by a listing, override or not.
    const unhashed = written(d, 2, { paused: true, note: 'fleet-override: enabled=false by ops at 2026-01-01T00:00:00Z' });
    expect(plan(nightly, { listing: listingOf(unhashed.summary) }, { ...options, keepOverrides: true }).map((s) => s.action)).toEqual(['describe']);
    // An override that set the declared state again (the API writes Fleet's note without the hash): marked again on reload.
    const back = written(d, 2, { note: 'fleet-override: enabled=true by ops at 2026-01-01T00:00:00Z' });
    expect(brief(plan(nightly, { listing: new Map(), descriptions: new Map([[id('nightly'), back.description]]) }, options))).toEqual([
      [id('nightly'), 'update', 'the API override is reverted (reload)'],
    ]);
    const renoted = written(d, 2, { note: 'managed by Fleet from apps/reports/workflows.yaml' });
    expect(brief(plan(nightly, { listing: new Map(), descriptions: new Map([[id('nightly'), renoted.description]]) }, options))).toEqual([
      [id('nightly'), 'update', 'the note does not name the declaration (changed outside Fleet): marked again'],
    ]);
  });

  it('keeps the pause Temporal makes after a failed run of a schedule declaring pause_on_failure, until a reload', () => {
    const fragile = declare([{ id: 'fragile', schedule: '{ cron: "0 4 * * *", pause_on_failure: true }' }]);
    const [f] = fragile as [ScheduleDeclaration];
    const pausedByTemporal = written(f, 4, { paused: true, note: 'paused due to workflow failure: fragile-2026-01-01T04:00:00Z: boom' });
    const observed = { listing: listingOf(pausedByTemporal.summary), descriptions: new Map([[id('fragile'), pausedByTemporal.description]]) };
    expect(brief(plan(fragile, observed, { ...options, keepOverrides: true }))).toEqual([[id('fragile'), 'unchanged', 'as declared (paused by Temporal after a failed run: pause_on_failure)']]);
    expect(brief(plan(fragile, observed, options))).toEqual([[id('fragile'), 'update', 'drift: paused outside Fleet']]);
    // Without pause_on_failure declared, the same pause is drift even for a periodic pass.
    expect(brief(plan(nightly, { listing: new Map(), descriptions: new Map([[id('nightly'), written(d, 2, { paused: true, note: pausedByTemporal.summary.state.note }).description]]) }, { ...options, keepOverrides: true }))).toEqual([
      [id('nightly'), 'update', 'drift: paused outside Fleet'],
    ]);
  });

  it('orphans: Fleet schedules of these projects no longer declared are deleted, or paused (once)', () => {
    const [gone] = declare([{ id: 'gone', schedule: '{ cron: "0 5 * * *" }' }]) as [ScheduleDeclaration];
    const [other] = declare([{ id: 'theirs', schedule: '{ cron: "0 5 * * *" }' }], 'other-project') as [ScheduleDeclaration];
    const foreign = { ...written(gone, 5).summary, scheduleId: 'someone-elses', memo: {} } as ScheduleSummary;
    const listing = listingOf(written(d, 2).summary, written(gone, 5).summary, written(other, 5).summary, foreign);
    expect(brief(plan(nightly, { listing }, options))).toEqual([
      [id('nightly'), 'unchanged', 'as declared'],
      [id('gone'), 'delete', 'no longer declared'],
    ]);
    expect(brief(plan(nightly, { listing }, { ...options, orphans: 'pause' })).at(-1)).toEqual([id('gone'), 'pause', 'no longer declared']);
    const pausedAlready = { ...written(gone, 5).summary, state: { paused: true, note: ORPHAN_NOTE } } as ScheduleSummary;
    expect(brief(plan(nightly, { listing: listingOf(written(d, 2).summary, pausedAlready) }, { ...options, orphans: 'pause' })).at(-1)).toEqual([id('gone'), 'unchanged', 'no longer declared, paused already']);
    // A project with nothing declared any more still owns its orphans.
    expect(brief(plan([], { listing }, { projects: ['reports'] }))).toEqual([
      [id('nightly'), 'delete', 'no longer declared'],
      [id('gone'), 'delete', 'no longer declared'],
    ]);
  });

  it('conflict: a schedule with the id that Fleet does not own is never touched', () => {
    const { summary } = written(d, 5, { memo: {} });
    expect(brief(plan(nightly, { listing: listingOf(summary) }, options))).toEqual([[id('nightly'), 'conflict', 'a schedule with this id exists and Fleet does not own it: left alone']]);
    const another = written(d, 2, { memo: { [OWNER_MEMO_KEY]: 'another-project' } }).description;
    expect(plan(nightly, { listing: new Map(), descriptions: new Map([[id('nightly'), another]]) }, options).map((s) => s.action)).toEqual(['conflict']);
  });

  it('a schedule a create found existing: described unless a later listing shows it as declared', () => {
    const existing = new Set([id('nightly')]);
    expect(plan(nightly, { listing: new Map(), existing }, options).map((s) => s.action)).toEqual(['describe']);
    expect(brief(plan(nightly, { listing: listingOf(written(d, 2).summary), existing }, options))).toEqual([[id('nightly'), 'unchanged', 'as declared (created moments before, not in the first listing)']]);
    expect(brief(plan(nightly, { listing: new Map(), existing, descriptions: new Map([[id('nightly'), written(d, 2).description]]) }, options))).toEqual([
      [id('nightly'), 'unchanged', 'created meanwhile by another reconciler'],
    ]);
  });

  it('the note and memo Fleet writes name the file relative to the repository, and the memo stays small', () => {
    const desired = compileSchedule(d);
    expect(desired.state?.note).toBe(managedNote(d, declarationHash(d)));
    expect(desired.state?.note).toMatch(/^managed by Fleet from apps\/reports\/workflows\.yaml \(declaration [0-9a-f]{32}\)$/);
    expect(Buffer.byteLength(JSON.stringify(desired.memo))).toBeLessThan(500);
  });
});
