import { LICENSE_TASK_QUEUE, LICENSE_WORKFLOW_TYPES, deactivationProgressQuery, type LicenseDeactivationInput, type LicenseDeactivationSummary } from '@fleet/license-contracts';
import { licenseState, seedAgents } from '@fleet/license-data-access/testing';
import { sql } from 'kysely';
import { randomUUID } from 'node:crypto';
import { recordHistory } from './histories';
import { licenseTestEnv, type LicenseTestEnv } from './harness';
import { MIXED, seedMixedPopulation, snapshot } from './population';

let env: LicenseTestEnv;

beforeAll(async () => {
  env = await licenseTestEnv('deactivation');
  await env.startWorker();
});
afterAll(() => env.close());

async function runDeactivation(input: LicenseDeactivationInput, name: string): Promise<LicenseDeactivationSummary> {
  const workflowId = `deactivation-${name}-${randomUUID()}`;
  const summary = await env.ctx.client.workflow.execute(LICENSE_WORKFLOW_TYPES.deactivation, {
    taskQueue: LICENSE_TASK_QUEUE,
    workflowId,
    args: [input],
  });
  const result = summary as LicenseDeactivationSummary;
  // The first execution holds the batch's set-up; a continued batch's last one, its finish.
  await recordHistory(env.ctx.client, workflowId, `deactivation-${name}`, result.batchId);
  if (result.executions > 1) await recordHistory(env.ctx.client, workflowId, `deactivation-${name}-last-run`);
  return result;
}

async function countRows(table: 'notifications' | 'agent_status_history' | 'batch_operations'): Promise<number> {
  const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM ${sql.table(table)}`.execute(env.db);
  return rows[0]!.n;
}

describe('licenseDeactivationWorkflow on a mixed population', () => {
  beforeAll(() => seedMixedPopulation(env.db));

  it('dry run counts and samples what would change and writes only its audit record', async () => {
    const before = await snapshot(env.db);
    const summary = await runDeactivation(
      { batchDate: MIXED.batchDate, gracePeriodDays: MIXED.gracePeriodDays, dryRun: true },
      'dry-run',
    );
    expect(summary).toMatchObject({
      dryRun: true,
      batchDate: MIXED.batchDate,
      cutoffDate: '2026-06-12',
      expiredLicenses: MIXED.expected.expiredLicenses,
      wouldDeactivate: MIXED.expected.agentsDeactivated,
      agentsDeactivated: 0,
      notificationsQueued: 0,
    });
    expect(summary.sampleAgentIds).toHaveLength(20);
    expect(summary.sampleAgentIds[0]).toBe('EDG00000000');
    expect(summary.sampleAgentIds.every((id) => /^(EXP|EDG|SUS|TWO)/.test(id))).toBe(true);
    expect(await snapshot(env.db)).toBe(before);
    const audit = await env.db.selectFrom('batch_operations').selectAll().where('batch_id', '=', summary.batchId).executeTakeFirstOrThrow();
    expect(audit).toMatchObject({ dry_run: true, status: 'COMPLETED', batch_date: MIXED.batchDate });
  });

  it('deactivates exactly the expired agents, page by page, with correct counts', async () => {
    const summary = await runDeactivation(
      { batchDate: MIXED.batchDate, gracePeriodDays: MIXED.gracePeriodDays, batchSize: 7 },
      'mixed',
    );
    expect(summary).toMatchObject({ ...MIXED.expected, failures: 0, failedPages: 0, pages: 5, executions: 1, dryRun: false });

    const deactivated = await env.db
      .selectFrom('agent_profiles')
      .select('agent_id')
      .where('status', '=', 'DEACTIVATED')
      .where('status_reason', '=', 'LICENSE_EXPIRED')
      .orderBy('agent_id')
      .execute();
    const prefixes = deactivated.map((a) => a.agent_id.slice(0, 3));
    expect(prefixes.filter((p) => p === 'EXP')).toHaveLength(25);
    expect(new Set(prefixes)).toEqual(new Set(['EXP', 'EDG', 'SUS', 'TWO']));

    expect(await licenseState(env.db, 'EXP00000003')).toEqual({
      status: 'DEACTIVATED',
      statusReason: 'LICENSE_EXPIRED',
      portalEnabled: false,
      commission: 'STOPPED',
      notifications: ['LICENSE_DEACTIVATED'],
      history: [{ from: 'ACTIVE', to: 'DEACTIVATED', reason: 'LICENSE_EXPIRED' }],
    });
    expect((await licenseState(env.db, 'SUS00000001')).history).toEqual([{ from: 'SUSPENDED', to: 'DEACTIVATED', reason: 'LICENSE_EXPIRED' }]);
    for (const untouched of ['VAL00000000', 'GRC00000003']) {
      expect(await licenseState(env.db, untouched)).toMatchObject({ status: 'ACTIVE', portalEnabled: true, commission: 'ACTIVE', notifications: [], history: [] });
    }
    expect(await licenseState(env.db, 'OLD00000000')).toMatchObject({ status: 'DEACTIVATED', statusReason: 'FRAUD', notifications: [], history: [] });

    const audit = await env.db.selectFrom('batch_operations').selectAll().where('batch_id', '=', summary.batchId).executeTakeFirstOrThrow();
    expect(audit.status).toBe('COMPLETED');
    expect(audit.summary).toMatchObject(MIXED.expected);
  });

  it('changes nothing and queues nothing when the same batch date runs again', async () => {
    const before = await snapshot(env.db);
    const notifications = await countRows('notifications');
    const summary = await runDeactivation(
      { batchDate: MIXED.batchDate, gracePeriodDays: MIXED.gracePeriodDays, batchSize: 7 },
      'repeat',
    );
    expect(summary).toMatchObject({ agentsDeactivated: 0, notificationsQueued: 0, expiredLicenses: 0, pages: 0 });
    expect(await countRows('notifications')).toBe(notifications);
    expect(await snapshot(env.db)).toBe(before);
  });
});

describe('continue-as-new', () => {
  it('carries the cursor and running totals, so the summary equals a single run', async () => {
    await seedAgents(env.db, { prefix: 'CAN', count: 40, renewalDate: '2020-01-01' });
    const summary = await runDeactivation(
      { batchDate: '2020-06-01', batchSize: 3, maxPagesPerRun: 2, pageConcurrency: 2 },
      'continue-as-new',
    );
    // 40 agents in pages of 3: 14 pages, 2 per execution, and a last one that finds none.
    expect(summary).toMatchObject({ agentsDeactivated: 40, expiredLicenses: 40, notificationsQueued: 40, pages: 14, executions: 8, failures: 0 });
    const { rows } = await sql<{ n: number }>`
      SELECT count(*)::int AS n FROM agent_status_history WHERE agent_id LIKE 'CAN%'`.execute(env.db);
    expect(rows[0]!.n).toBe(40);
  });
});

describe('a page that keeps failing', () => {
  it('is recorded, the run goes on, and the next run picks its agents up', async () => {
    await seedAgents(env.db, { prefix: 'FLR', count: 9, renewalDate: '2019-01-01' });
    // The portal system refuses one agent: its whole page rolls back on every attempt.
    await sql`CREATE FUNCTION refuse_flr4() RETURNS trigger LANGUAGE plpgsql AS $$
              BEGIN RAISE EXCEPTION 'portal refused %', NEW.agent_id; END $$`.execute(env.db);
    await sql`CREATE TRIGGER refuse_flr4 BEFORE UPDATE ON portal_access FOR EACH ROW
              WHEN (NEW.agent_id = 'FLR00000004') EXECUTE FUNCTION refuse_flr4()`.execute(env.db);

    const first = await runDeactivation({ batchDate: '2019-06-01', batchSize: 3 }, 'page-failure');
    expect(first).toMatchObject({ pages: 3, failedPages: 1, failures: 3, agentsDeactivated: 6 });
    const audit = await env.db.selectFrom('batch_operations').select('failed_pages').where('batch_id', '=', first.batchId).executeTakeFirstOrThrow();
    expect(audit.failed_pages).toEqual([
      expect.objectContaining({ pageNo: 1, after: 'FLR00000002', upTo: 'FLR00000005', agentCount: 3, error: expect.stringContaining('portal refused') }),
    ]);
    expect((await licenseState(env.db, 'FLR00000003')).status).toBe('ACTIVE');

    await sql`DROP TRIGGER refuse_flr4 ON portal_access`.execute(env.db);
    const second = await runDeactivation({ batchDate: '2019-06-01', batchSize: 3 }, 'page-failure-retry');
    expect(second).toMatchObject({ agentsDeactivated: 3, failures: 0, notificationsQueued: 3 });
    expect((await licenseState(env.db, 'FLR00000004')).status).toBe('DEACTIVATED');
  });
});

describe('progress', () => {
  it('is answered by a query while the batch runs and after it ends', async () => {
    await seedAgents(env.db, { prefix: 'PRG', count: 30, renewalDate: '2018-01-01' });
    const handle = await env.ctx.client.workflow.start(LICENSE_WORKFLOW_TYPES.deactivation, {
      taskQueue: LICENSE_TASK_QUEUE,
      workflowId: `deactivation-progress-${randomUUID()}`,
      args: [{ batchDate: '2018-06-01', batchSize: 2, pageConcurrency: 1 }],
    });
    const early = await handle.query(deactivationProgressQuery);
    expect(early.batchDate).toBe('2018-06-01');
    expect(early.agentsDeactivated).toBeLessThanOrEqual(30);
    await handle.result();
    const done = await handle.query(deactivationProgressQuery);
    expect(done).toMatchObject({ state: 'COMPLETED', agentsDeactivated: 30, pages: 15, cursor: 'PRG00000029' });
  });
});

describe('invalid input', () => {
  it('fails the workflow at once, naming the option', async () => {
    const run = env.ctx.client.workflow.execute(LICENSE_WORKFLOW_TYPES.deactivation, {
      taskQueue: LICENSE_TASK_QUEUE,
      workflowId: `deactivation-invalid-${randomUUID()}`,
      args: [{ batchSize: 0 }],
    });
    await expect(run).rejects.toMatchObject({ cause: { type: 'InvalidInput', nonRetryable: true, message: expect.stringContaining('batchSize: Too small: expected number to be >=1') } });
  });
});
