import { createDb, withTryAdvisoryLock } from '@fleet/shared-db';
import { defineDomain } from '@fleet/shared-domain';
import { createLogger } from '@fleet/shared-observability';
import { DeclarationError, declarationFromMemo, scheduleIdOf } from '@fleet/shared-schedules';
import { createTestContext, waitFor, workerTestEnv, type TestContext } from '@fleet/tools-infra/testing';
import type { Kysely } from 'kysely';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Registry } from 'prom-client';
import { z } from 'zod';
import { loadWorkerConfig } from './config';
import { loadWorkerDeclarations, scheduleLockKey, startWorkerSchedules, WorkerSchedules } from './schedules';

// A domain of this test's own (a shared lib's test may not import a real domain): the rules are the same.
const reports = defineDomain({
  name: 'reports',
  taskQueue: 'reports',
  project: 'reports-worker',
  timeZone: 'UTC',
  workflows: {
    nightly: { type: 'reportsNightlyWorkflow', input: z.object({ days: z.number().int().min(1).optional() }).strict(), id: () => 'nightly' },
  },
  events: {},
});

const logger = createLogger('reports-worker', 'silent');
const dir = mkdtempSync(path.join(tmpdir(), 'fleet-worker-schedules-'));
function file(name: string, text: string): string {
  const p = path.join(dir, name);
  writeFileSync(p, text);
  return p;
}
const yaml = (workflows: string, project = 'reports-worker') => `project: ${project}\nworkflows:\n${workflows}`;
const nightly = (cron: string, extra = '') => `  - id: nightly-report\n    type: reportsNightlyWorkflow\n    task_queue: reports\n    schedule: { cron: "${cron}"${extra} }\n`;

describe("a worker's own workflows.yaml", () => {
  it('is refused, naming file, line, path and reason, when it names another project, a type or a task queue not its domain', () => {
    const problems = (text: string) => {
      try {
        loadWorkerDeclarations(file('w.yaml', text), reports);
      } catch (err) {
        expect(err).toBeInstanceOf(DeclarationError);
        return (err as Error).message.replace(`${dir}/`, '');
      }
      throw new Error('expected the file to be refused');
    };
    expect(problems(yaml(nightly('0 2 * * *'), 'license-worker'))).toBe("w.yaml:1: project: license-worker is not this worker's project (reports-worker)");
    expect(problems(yaml(nightly('0 2 * * *').replace('reportsNightlyWorkflow', 'licenseDeactivationWorkflow')))).toBe('w.yaml:4: workflows[0].type: unknown workflow type licenseDeactivationWorkflow');
    expect(problems(yaml(nightly('0 2 * * *').replace('task_queue: reports', 'task_queue: license')))).toBe("w.yaml:5: workflows[0].task_queue: license is not a task queue of reports-worker's worker (reports)");
    expect(problems(yaml(nightly('0 2 * * *', ', input: { days: 0 }')))).toMatch(/^w\.yaml:6: workflows\[0\]\.schedule\.input\.days: bad input: /);
  });

  it('with no schedule left, still names its project (its schedules are orphans)', () => {
    expect(loadWorkerDeclarations(file('empty.yaml', yaml('  - { id: adhoc, type: reportsNightlyWorkflow, task_queue: reports }\n')), reports)).toEqual({ declarations: [], projects: ['reports-worker'] });
  });
});

describe('reconciled by the worker', () => {
  let ctx: TestContext;
  let db: Kysely<unknown>;
  beforeAll(async () => {
    ctx = await createTestContext('worker-schedules');
    db = createDb(ctx.databaseUrl);
  });
  afterAll(async () => {
    await db.destroy();
    await ctx.close();
  });
  const config = (extra: Record<string, string> = {}) => loadWorkerConfig({}, { ...workerTestEnv(ctx), SCHEDULE_RECONCILE_INTERVAL_MS: '0', ...extra });
  const start = (schedules: string, extra: Record<string, string> = {}, registry?: Registry) =>
    startWorkerSchedules({ declared: loadWorkerDeclarations(schedules, reports), project: reports.project, config: config(extra), db, logger, registry });
  const id = scheduleIdOf('reports-worker', 'nightly-report');

  it('at start: creates what is declared, with its declaration in the memo; a restart with nothing changed writes nothing', async () => {
    const registry = new Registry();
    const first = await start(file('workflows.yaml', yaml(nightly('0 2 * * *', ', timezone: Asia/Kolkata'))), {}, registry);
    try {
      expect(first.state).toBe('ready');
      expect(first.lastResult?.outcomes.map((o) => [o.scheduleId, o.action, o.status])).toEqual([[id, 'create', 'done']]);
      const description = await ctx.client.schedule.getHandle(id).describe();
      expect(declarationFromMemo(description.memo)).toMatchObject({ project: 'reports-worker', workflowId: 'nightly-report', type: 'reportsNightlyWorkflow', cron: '0 2 * * *', timezone: 'Asia/Kolkata' });
      const metrics = await registry.metrics();
      expect(metrics).toMatch(/schedule_reconciles_total\{result="reconciled"\} 1/);
      expect(metrics).toMatch(/schedule_reconcile_outcomes_total\{action="create",status="done"\} 1/);
      expect(metrics).toMatch(/schedule_reconcile_state\{state="ready"\} 1/);
    } finally {
      await first.close();
    }
    const again = await start(path.join(dir, 'workflows.yaml'));
    try {
      expect(again.lastResult?.writes).toBe(0);
      expect(again.lastResult?.outcomes.map((o) => o.action)).toEqual(['unchanged']);
    } finally {
      await again.close();
    }
  });

  it('one writer at a time per project: a replica that finds the lock taken skips its pass, the one holding it reconciles', async () => {
    const declared = loadWorkerDeclarations(file('changed.yaml', yaml(nightly('0 3 * * *', ', timezone: Asia/Kolkata'))), reports);
    const other = createDb(ctx.databaseUrl);
    let release!: () => void;
    const holding = new Promise<void>((r) => (release = r));
    // Replica A holds the project's lock (mid-pass) while replica B starts.
    const a = withTryAdvisoryLock(other, scheduleLockKey('reports-worker'), () => holding);
    try {
      await waitFor('the lock taken', async () => (await withTryAdvisoryLock(db, scheduleLockKey('reports-worker'), async () => true)) === undefined);
      const b = new WorkerSchedules({
        client: ctx.client,
        declared,
        project: 'reports-worker',
        logger,
        withLock: (fn) => withTryAdvisoryLock(db, scheduleLockKey('reports-worker'), fn),
        intervalMs: 0,
        orphans: 'delete',
      });
      await b.start();
      expect(b.lastSkipped).toBe(true);
      expect(b.lastResult).toBeUndefined();
      expect(declarationFromMemo((await ctx.client.schedule.getHandle(id).describe()).memo)?.cron).toBe('0 2 * * *');
      release();
      await a;
      // Once the lock is free, the next pass is B's: the changed declaration replaces the schedule.
      const result = await b.reconcileNow({ keepOverrides: true });
      expect(result?.outcomes.map((o) => [o.action, o.reason])).toEqual([['replace', 'the declaration changed']]);
      expect(declarationFromMemo((await ctx.client.schedule.getHandle(id).describe()).memo)?.cron).toBe('0 3 * * *');
      await b.stop();
    } finally {
      release();
      await other.destroy();
    }
  });

  it('periodically: a pause made outside Fleet is reverted by the next pass; an orphan is paused under SCHEDULE_ORPHANS=pause', async () => {
    const handle = ctx.client.schedule.getHandle(id);
    const registry = new Registry();
    const schedules = await start(path.join(dir, 'changed.yaml'), { SCHEDULE_RECONCILE_INTERVAL_MS: '300' }, registry);
    try {
      await handle.pause('paused from the UI');
      // The listing (visibility) shows the pause within a second or two; a periodic pass then describes it and reverts it.
      // (A describe right after the pause may not show it yet: the schedule applies it a moment later.
      // So wait for a pass to have updated the schedule, and for the schedule to be running again.)
      const reverted = /schedule_reconcile_outcomes_total\{action="update",status="done"\} [1-9]/;
      await waitFor('the pause reverted by a pass', async () => reverted.test(await registry.metrics()) && !(await handle.describe()).state.paused, 20_000);
      // (Under load a second pass may describe it before the scheduler has applied the update, and send it again: harmless.)
    } finally {
      await schedules.close();
    }
    const orphaned = await start(path.join(dir, 'empty.yaml'), { SCHEDULE_ORPHANS: 'pause' });
    try {
      expect(orphaned.lastResult?.outcomes).toEqual([expect.objectContaining({ scheduleId: id, action: 'pause', reason: 'no longer declared', status: 'done' })]);
      expect((await handle.describe()).state).toMatchObject({ paused: true, note: 'no longer declared' });
    } finally {
      await orphaned.close();
    }
  });
});
