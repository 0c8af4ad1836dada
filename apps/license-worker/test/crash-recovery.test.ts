import { LICENSE_TASK_QUEUE, LICENSE_WORKFLOW_TYPES, deactivationProgressQuery, type LicenseDeactivationSummary } from '@fleet/license-contracts';
import { seedAgents } from '@fleet/license-data-access/testing';
import { repoRoot, spawnManaged, testEnv, appNodeArgs, waitFor, type ManagedProcess } from '@fleet/tools-infra/testing';
import { sql } from 'kysely';
import path from 'node:path';
import { licenseTestEnv, type LicenseTestEnv } from './harness';

let env: LicenseTestEnv;
const AGENTS = 3000;

beforeAll(async () => {
  env = await licenseTestEnv('crash-recovery');
  await seedAgents(env.db, { prefix: 'CRS', count: AGENTS, renewalDate: '2024-01-01' });
});
afterAll(() => env.close());

/** The real license worker, as its own process, as it is deployed. */
function workerProcess(): ManagedProcess {
  return spawnManaged({
    name: 'license-worker',
    command: process.execPath,
    args: [...appNodeArgs(), path.join(repoRoot, 'apps/license-worker/src/main.ts')],
    cwd: repoRoot,
    env: { ...process.env, ...env.workerEnv },
    logFile: path.join(testEnv('dir'), 'logs', 'crash-recovery-worker.log'),
  });
}

it('a worker killed mid-run and restarted finishes the batch with no duplicate and no agent missed', async () => {
  const first = workerProcess();
  const handle = await env.ctx.client.workflow.start(LICENSE_WORKFLOW_TYPES.deactivation, {
    taskQueue: LICENSE_TASK_QUEUE,
    workflowId: `crash-recovery-${Date.now()}`,
    args: [{ batchDate: '2024-06-01', batchSize: 25, pageConcurrency: 2, pageTimeoutSeconds: 3 }],
  });
  // Kill it hard (no graceful shutdown) once a good part of the batch is done.
  await waitFor('a third of the pages', async () => (await handle.query(deactivationProgressQuery)).pages >= 40, 60_000, 50);
  await first.stop('SIGKILL');
  const atKill = await sql<{ n: number }>`SELECT count(*)::int AS n FROM agent_profiles WHERE status = 'DEACTIVATED'`.execute(env.db);
  expect(atKill.rows[0]!.n).toBeLessThan(AGENTS);

  const second = workerProcess();
  try {
    const summary = (await handle.result()) as LicenseDeactivationSummary;
    expect(summary).toMatchObject({
      agentsDeactivated: AGENTS,
      expiredLicenses: AGENTS,
      notificationsQueued: AGENTS,
      portalAccessDisabled: AGENTS,
      commissionsStopped: AGENTS,
      failures: 0,
      pages: AGENTS / 25,
    });
    const { rows } = await sql<{ deactivated: number; history: number; notifications: number; agents_with_two: number }>`
      SELECT (SELECT count(*)::int FROM agent_profiles WHERE status = 'DEACTIVATED') AS deactivated,
             (SELECT count(*)::int FROM agent_status_history) AS history,
             (SELECT count(*)::int FROM notifications) AS notifications,
             (SELECT count(*)::int FROM (SELECT agent_id FROM agent_status_history GROUP BY agent_id HAVING count(*) > 1) d) AS agents_with_two`.execute(env.db);
    expect(rows[0]).toEqual({ deactivated: AGENTS, history: AGENTS, notifications: AGENTS, agents_with_two: 0 });
  } finally {
    await second.stop('SIGTERM');
  }
});
