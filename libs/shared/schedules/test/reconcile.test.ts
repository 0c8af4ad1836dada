import { createTestContext, waitFor, type TestContext } from '@fleet/tools-infra/testing';
import { ScheduleOverlapPolicy } from '@temporalio/client';
import { z } from 'zod';
import { declarationFromMemo, declarationHash, declarationInNote, OVERLAP_POLICIES, parseDeclarations, reconcile, scheduleIdOf, type ScheduleDeclaration, type Verify } from '../src';

const schemas = { reportWorkflow: z.object({ days: z.number().int().optional() }).strict() };
let ctx: TestContext;

beforeAll(async () => {
  ctx = await createTestContext('schedules-reconcile');
});
afterAll(() => ctx.close());

function declare(project: string, workflows: { id: string; schedule: string }[]): ScheduleDeclaration[] {
  const text = `project: ${project}\nworkflows:\n${workflows
    .map((w) => `  - id: ${w.id}\n    type: reportWorkflow\n    task_queue: reports\n    schedule: ${w.schedule}\n`)
    .join('')}`;
  return parseDeclarations([{ file: `apps/${project}/workflows.yaml`, text }], schemas);
}

const run = (declarations: ScheduleDeclaration[], projects: string[], extra: { plan?: boolean; orphans?: 'delete' | 'pause'; verify?: Verify; keepOverrides?: boolean } = {}) =>
  reconcile({ client: ctx.client, declarations, projects, ...extra });

const describe_ = (id: string) => ctx.client.schedule.getHandle(id).describe();

/** Waits until Temporal's listing (visibility, eventually consistent) shows what `check` wants of a schedule. */
async function listed(id: string, check: (s: { paused: boolean; note?: string; timezone?: string }) => boolean): Promise<void> {
  await waitFor(`the listing to show ${id} changed`, async () => {
    for await (const s of ctx.client.schedule.list({ query: `ScheduleId = '${id}'` })) if (s.scheduleId === id && check({ ...s.state, timezone: s.spec?.timezone })) return true;
    return false;
  });
}

/** Waits until the listing shows every declared schedule as Fleet last wrote it. */
async function listedAsWritten(declarations: ScheduleDeclaration[]): Promise<void> {
  const want = new Map(declarations.map((d) => [scheduleIdOf(d.project, d.workflowId), declarationHash(d)]));
  await waitFor('the listing to show every schedule as written', async () => {
    let seen = 0;
    for await (const s of ctx.client.schedule.list({ pageSize: 1000 })) if (want.get(s.scheduleId) === declarationInNote(s.state.note)) seen += 1;
    return seen === want.size;
  });
}

describe('reconcile', () => {
  it('creates, fires, replaces exactly once on a change, leaves an unchanged set alone, deletes what is no longer declared', async () => {
    const v1 = declare('lifecycle', [
      { id: 'fast', schedule: '{ cron: "@every 1s", overlap_policy: allow_all }' },
      { id: 'daily', schedule: '{ cron: "0 3 * * *", timezone: America/Sao_Paulo, input: { days: 1 } }' },
    ]);
    const planned = await run(v1, ['lifecycle'], { plan: true });
    expect(planned.writes).toBe(0);
    expect(planned.outcomes.map((o) => [o.action, o.status])).toEqual([['create', 'planned'], ['create', 'planned']]);

    const created = await run(v1, ['lifecycle']);
    expect(created.writes).toBe(2);
    expect(created.outcomes.every((o) => o.status === 'done')).toBe(true);
    // The memo holds the declaration: what the API shows, from Temporal alone.
    const daily = await describe_(scheduleIdOf('lifecycle', 'daily'));
    expect(declarationFromMemo(daily.memo)).toEqual({
      v: 1,
      hash: declarationHash(v1[1] as ScheduleDeclaration),
      file: 'apps/lifecycle/workflows.yaml',
      project: 'lifecycle',
      workflowId: 'daily',
      type: 'reportWorkflow',
      taskQueue: 'reports',
      cron: '0 3 * * *',
      timezone: 'America/Sao_Paulo',
      enabled: true,
      overlapPolicy: 'skip',
      pauseOnFailure: false,
      input: { days: 1 },
    });
    expect(daily.state.note).toBe(`managed by Fleet from apps/lifecycle/workflows.yaml (declaration ${declarationHash(v1[1] as ScheduleDeclaration)})`);
    await waitFor('the schedule to fire', async () => (await describe_(scheduleIdOf('lifecycle', 'fast'))).info.recentActions.length > 0, 15_000);

    const again = await run(v1, ['lifecycle']);
    expect(again.writes).toBe(0);
    expect(again.outcomes.map((o) => o.action)).toEqual(['unchanged', 'unchanged']);

    const v2 = declare('lifecycle', [
      { id: 'fast', schedule: '{ cron: "@every 1s", overlap_policy: allow_all }' },
      { id: 'daily', schedule: '{ cron: "0 4 * * *", timezone: America/Sao_Paulo, input: { days: 1 } }' },
    ]);
    const changed = await run(v2, ['lifecycle']);
    expect(changed.writes).toBe(1);
    expect(changed.outcomes.find((o) => o.action === 'replace')).toMatchObject({ scheduleId: scheduleIdOf('lifecycle', 'daily'), reason: 'the declaration changed', status: 'done' });
    const replaced = await describe_(scheduleIdOf('lifecycle', 'daily'));
    expect(replaced.spec.calendars?.[0]?.hour).toEqual([{ start: 4, end: 4, step: 1 }]);
    expect(declarationFromMemo(replaced.memo)).toMatchObject({ cron: '0 4 * * *', hash: declarationHash(v2[1] as ScheduleDeclaration) });
    expect((await run(v2, ['lifecycle'])).writes).toBe(0);

    const removed = await run(v2.filter((d) => d.workflowId === 'daily'), ['lifecycle']);
    expect(removed.outcomes).toContainEqual(expect.objectContaining({ scheduleId: scheduleIdOf('lifecycle', 'fast'), action: 'delete', status: 'done' }));
    await expect(describe_(scheduleIdOf('lifecycle', 'fast'))).rejects.toThrow();
  });

  it('sends every overlap policy, and Temporal reports the one declared', async () => {
    const declarations = declare(
      'policies',
      OVERLAP_POLICIES.map((p) => ({ id: p.replace('_', '-'), schedule: `{ cron: "@daily", overlap_policy: ${p} }` })),
    );
    await run(declarations, ['policies']);
    const expected = { skip: 'SKIP', buffer_one: 'BUFFER_ONE', buffer_all: 'BUFFER_ALL', cancel_other: 'CANCEL_OTHER', terminate_other: 'TERMINATE_OTHER', allow_all: 'ALLOW_ALL' };
    for (const p of OVERLAP_POLICIES) {
      expect((await describe_(scheduleIdOf('policies', p.replace('_', '-')))).policies.overlap).toBe(ScheduleOverlapPolicy[expected[p] as keyof typeof ScheduleOverlapPolicy]);
    }
  });

  it('reports a pause or a spec edit made outside Fleet as drift and puts it back', async () => {
    const declarations = declare('drift', [{ id: 'nightly', schedule: '{ cron: "30 1 * * *", timezone: Asia/Kolkata }' }]);
    await run(declarations, ['drift']);
    const id = scheduleIdOf('drift', 'nightly');
    const handle = ctx.client.schedule.getHandle(id);

    // A describing pass (a reload) sees a pause at once.
    await handle.pause('paused in the UI');
    const paused = await run(declarations, ['drift'], { verify: 'describe' });
    expect(paused.outcomes[0]).toMatchObject({ action: 'update', reason: 'drift: paused outside Fleet', status: 'done' });
    expect((await handle.describe()).state.paused).toBe(false);

    // A listing pass sees it once the listing does (a second or so), and describes only that one.
    await listed(id, (s) => !s.paused && declarationInNote(s.note) !== undefined);
    await handle.pause('paused in the CLI');
    await listed(id, (s) => s.paused);
    const seen = await run(declarations, ['drift']);
    expect(seen.outcomes[0]).toMatchObject({ action: 'update', reason: 'drift: paused outside Fleet', status: 'done' });
    expect(seen.calls).toMatchObject({ list: 1, describe: 1, update: 1 });
    expect((await handle.describe()).state.paused).toBe(false);

    // A spec edit that keeps Fleet's note: the listing shows the spec, so a listing pass finds it.
    await listed(id, (s) => !s.paused);
    await handle.update((prev) => ({ ...prev, spec: { ...prev.spec, timezone: 'UTC' } }));
    await listed(id, (s) => s.timezone === 'UTC');
    const edited = await run(declarations, ['drift']);
    expect(edited.outcomes[0]).toMatchObject({ action: 'update', reason: 'drift: changed outside Fleet' });
    expect((await handle.describe()).spec.timezone).toBe('Asia/Kolkata');
    expect((await run(declarations, ['drift'])).writes).toBe(0);

    // A policy edit that keeps Fleet's note is not in any listing: a describing pass finds it.
    await listed(id, (s) => s.timezone === 'Asia/Kolkata');
    await handle.update((prev) => ({ ...prev, policies: { ...prev.policies, overlap: ScheduleOverlapPolicy.ALLOW_ALL } }));
    const policy = await run(declarations, ['drift'], { verify: 'describe' });
    expect(policy.outcomes[0]).toMatchObject({ action: 'update', reason: 'drift: changed outside Fleet' });
    expect((await handle.describe()).policies.overlap).toBe(ScheduleOverlapPolicy.SKIP);
    expect((await run(declarations, ['drift'], { verify: 'describe' })).writes).toBe(0);
  });

  it('creates with one call each; a pass with nothing changed lists once and describes nothing, whatever the declaration', async () => {
    const declarations = declare('quiet', [
      { id: 'plain', schedule: '{ cron: "0 2 * * *" }' },
      { id: 'macro', schedule: '{ cron: "@weekly", timezone: Europe/Berlin }' },
      { id: 'hourly', schedule: '{ cron: "@hourly", enabled: false }' },
      { id: 'ranges', schedule: '{ cron: "*/15 1-5 * jan,MAR mon-fri,7", jitter: 30s, overlap_policy: buffer_all }' },
      { id: 'sunday', schedule: '{ cron: "5 4 1,15 * 5-7", timezone: America/New_York, pause_on_failure: true }' },
      { id: 'steps', schedule: '{ cron: "3/20 */6 2-30/7 */2 *", catchup_window: 10m }' },
      { id: 'every', schedule: '{ cron: "@every 90m", input: { days: 3 } }' },
      { id: 'window', schedule: '{ cron: "30 23 * * sat", start_at: "2026-01-01T00:00:00.250Z", end_at: "2031-06-30T12:00:00Z" }' },
    ]);
    const cold = await run(declarations, ['quiet']);
    expect(cold.outcomes.map((o) => [o.action, o.status])).toEqual(declarations.map(() => ['create', 'done']));
    expect(cold.calls).toMatchObject({ list: 1, create: declarations.length, describe: 0, update: 0 });

    await listedAsWritten(declarations);
    const describeSchedule = jest.spyOn(ctx.client.workflowService, 'describeSchedule');
    try {
      const same = await run(declarations, ['quiet']);
      expect(same.outcomes.map((o) => `${o.scheduleId} ${o.action}`)).toEqual(declarations.map((d) => `${scheduleIdOf('quiet', d.workflowId)} unchanged`));
      expect(same.writes).toBe(0);
      expect(same.calls).toEqual({ list: 1, describe: 0, create: 0, update: 0, delete: 0, pause: 0 });
      expect(describeSchedule).not.toHaveBeenCalled();
    } finally {
      describeSchedule.mockRestore();
    }
    // And a describing pass agrees with the listing: nothing to do.
    const deep = await run(declarations, ['quiet'], { verify: 'describe' });
    expect(deep.writes).toBe(0);
    expect(deep.calls.describe).toBe(declarations.length);
  });

  it('a declaration change is never hidden by a listing that lags: it is one describe and one replace (delete, create)', async () => {
    const v1 = declare('lag', [{ id: 'a', schedule: '{ cron: "0 1 * * *" }' }, { id: 'b', schedule: '{ cron: "0 1 * * *" }' }]);
    await run(v1, ['lag']);
    await listedAsWritten(v1);
    const v2 = declare('lag', [{ id: 'a', schedule: '{ cron: "0 1 * * *", input: { days: 2 } }' }, { id: 'b', schedule: '{ cron: "0 1 * * *" }' }]);
    const changed = await run(v2, ['lag']);
    expect(changed.outcomes.map((o) => [o.action, o.reason])).toEqual([['replace', 'the declaration changed'], ['unchanged', 'as declared']]);
    expect(changed.calls).toMatchObject({ list: 1, describe: 1, delete: 1, create: 1, update: 0 });
    expect((await describe_(scheduleIdOf('lag', 'a'))).action).toMatchObject({ args: [{ days: 2 }] });
    // Right away, while the listing may still show the old memo and note: no second write.
    expect((await run(v2, ['lag'])).writes).toBe(0);
  });

  it('keeps the pause Temporal makes after a failed run of a schedule declaring pause_on_failure, until a reload', async () => {
    const declarations = declare('failing', [{ id: 'fragile', schedule: '{ cron: "0 4 * * *", pause_on_failure: true }' }]);
    await run(declarations, ['failing']);
    const handle = ctx.client.schedule.getHandle(scheduleIdOf('failing', 'fragile'));
    // The note Temporal's scheduler (server 1.29) writes when it pauses after a failure.
    await handle.pause('paused due to workflow failure: fragile-2026-01-01T04:00:00Z: boom');
    const periodic = await run(declarations, ['failing'], { keepOverrides: true, verify: 'describe' });
    expect(periodic.outcomes[0]).toMatchObject({ action: 'unchanged', reason: 'as declared (paused by Temporal after a failed run: pause_on_failure)' });
    expect((await handle.describe()).state.paused).toBe(true);
    const reload = await run(declarations, ['failing'], { verify: 'describe' });
    expect(reload.outcomes[0]).toMatchObject({ action: 'update', reason: 'drift: paused outside Fleet' });
    expect((await handle.describe()).state.paused).toBe(false);
  });

  it('never touches a schedule Fleet does not own', async () => {
    await ctx.client.schedule.create({
      scheduleId: scheduleIdOf('foreign', 'theirs'),
      spec: { cronExpressions: ['0 5 * * *'] },
      action: { type: 'startWorkflow', workflowType: 'reportWorkflow', taskQueue: 'reports', workflowId: 'theirs' },
    });
    const result = await run(declare('foreign', [{ id: 'theirs', schedule: '{ cron: "0 6 * * *" }' }]), ['foreign']);
    expect(result.outcomes).toEqual([expect.objectContaining({ action: 'conflict', status: 'skipped' })]);
    expect(result.writes).toBe(0);
    expect((await describe_(scheduleIdOf('foreign', 'theirs'))).spec.calendars?.[0]?.hour).toEqual([{ start: 5, end: 5, step: 1 }]);
    // Nor deletes it as an orphan when nothing is declared.
    await run([], ['foreign']);
    await expect(describe_(scheduleIdOf('foreign', 'theirs'))).resolves.toBeDefined();
  });

  it('two reconcilers at once converge with no error and no duplicate', async () => {
    const declarations = declare('race', Array.from({ length: 20 }, (_, i) => ({ id: `job-${i}`, schedule: `{ cron: "${i} 2 * * *" }` })));
    const [a, b] = await Promise.all([run(declarations, ['race']), run(declarations, ['race'])]);
    for (const r of [a, b]) expect(r.outcomes.filter((o) => o.status === 'failed')).toEqual([]);
    // Each schedule created once; what one found created by the other it checked from the listing
    // once the listing showed it, rather than describing it while Temporal was still starting it.
    expect(a.writes + b.writes).toBe(20);
    expect(a.calls.list + b.calls.list).toBeGreaterThan(2);
    expect([...a.outcomes, ...b.outcomes].filter((o) => o.reason.startsWith('as declared (created moments before')).length).toBeGreaterThan(0);
    const after = await run(declarations, ['race']);
    expect(after.writes).toBe(0);
    expect(after.outcomes.every((o) => o.action === 'unchanged')).toBe(true);
  });
});
