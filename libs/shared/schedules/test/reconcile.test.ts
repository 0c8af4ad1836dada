import { createTestContext, waitFor, type TestContext } from '@fleet/tools-infra/testing';
import { ScheduleOverlapPolicy } from '@temporalio/client';
import { z } from 'zod';
import { OVERLAP_POLICIES, parseDeclarations, reconcile, scheduleIdOf, type ScheduleDeclaration } from '../src';

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
  return parseDeclarations([{ file: `${project}.yaml`, text }], schemas);
}

const run = (declarations: ScheduleDeclaration[], projects: string[], extra: { plan?: boolean; orphans?: 'delete' | 'pause' } = {}) =>
  reconcile({ client: ctx.client, declarations, projects, ...extra });

const describe_ = (id: string) => ctx.client.schedule.getHandle(id).describe();

describe('reconcile', () => {
  it('creates, fires, updates exactly once on a change, leaves an unchanged set alone, deletes what is no longer declared', async () => {
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
    expect(changed.outcomes.find((o) => o.action === 'update')).toMatchObject({ scheduleId: scheduleIdOf('lifecycle', 'daily'), reason: 'the declaration changed' });
    expect((await describe_(scheduleIdOf('lifecycle', 'daily'))).spec.calendars?.[0]?.hour).toEqual([{ start: 4, end: 4, step: 1 }]);
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
    const handle = ctx.client.schedule.getHandle(scheduleIdOf('drift', 'nightly'));

    await handle.pause('paused in the UI');
    const paused = await run(declarations, ['drift']);
    expect(paused.outcomes[0]).toMatchObject({ action: 'update', reason: 'drift: paused outside Fleet', status: 'done' });
    expect((await handle.describe()).state.paused).toBe(false);

    await handle.update((prev) => ({ ...prev, spec: { ...prev.spec, timezone: 'UTC' } }));
    const edited = await run(declarations, ['drift']);
    expect(edited.outcomes[0]).toMatchObject({ action: 'update', reason: 'drift: changed outside Fleet' });
    expect((await handle.describe()).spec.timezone).toBe('Asia/Kolkata');
    expect((await run(declarations, ['drift'])).writes).toBe(0);
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
    const after = await run(declarations, ['race']);
    expect(after.writes).toBe(0);
    expect(after.outcomes.every((o) => o.action === 'unchanged')).toBe(true);
  });
});
