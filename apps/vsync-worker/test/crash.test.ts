import { waitFor } from '@fleet/tools-infra/testing';
import { VSYNC_TASK_QUEUE, type ReconciliationResult } from '@fleet/vsync-contracts';
import { readVsyncs } from '@fleet/vsync-data-access';
import { sql } from 'kysely';
import { FAST, vsyncTestEnv, type VsyncTestEnv } from './harness';

let env: VsyncTestEnv;

beforeAll(async () => {
  env = await vsyncTestEnv('vsync-crash', { seed: 11 });
});
afterAll(async () => env?.close());

it('a worker killed while applying corrections: after a restart none is applied twice and none is missed', async () => {
  await env.seedBoth('CPF', 3000);
  env.sim.inject({ keyType: 'CPF', missingLocally: 600, missingInDict: 400, attributeDrift: 200, logEvents: false });
  // Slow lookups keep the apply phase long enough to be interrupted.
  env.sim.setFaults({ perOperation: { getEntryByCid: { latencyMs: 15 } } });

  const first = env.startWorkerProcess('crash-1');
  const handle = await env.ctx.client.workflow.start('vsyncReconciliationWorkflow', {
    taskQueue: VSYNC_TASK_QUEUE,
    workflowId: 'crash-reconciliation',
    args: [{ keyType: 'CPF', day: '2026-11-22', options: { ...FAST, approvalThreshold: 10_000, applyBatchSize: 50 } }],
  });
  const count = async () => Number((await sql<{ n: number }>`SELECT count(*)::int AS n FROM vsync_corrections`.execute(env.db)).rows[0]!.n);
  await waitFor('some corrections applied', async () => (await count()) >= 200, 90_000, 50);
  await first.stop('SIGKILL');
  const atKill = await count();
  expect(atKill).toBeLessThan(1400); // killed mid-way

  env.startWorkerProcess('crash-2');
  const result = (await handle.result()) as ReconciliationResult;
  expect(result).toMatchObject({ outcome: 'completed', finalVerification: 'OK', applied: { added: 600, updated: 200, removed: 400, vanished: 0 } });
  // Every divergence has exactly one correction row: none twice, none missing.
  const { rows } = await sql<{ rows: number; distinct_cids: number; divergences: number }>`
    SELECT (SELECT count(*)::int FROM vsync_corrections) AS rows,
           (SELECT count(DISTINCT cid)::int FROM vsync_corrections) AS distinct_cids,
           (SELECT count(*)::int FROM vsync_divergences WHERE reconciliation_id = 'crash-reconciliation') AS divergences`.execute(env.db);
  expect(rows[0]).toEqual({ rows: 1400, distinct_cids: 1400, divergences: 1400 });
  const [local] = await readVsyncs(env.db, ['CPF']);
  expect(local).toEqual({ keyType: 'CPF', vsync: env.sim.vsync('CPF'), entries: env.sim.entryCount('CPF') });
});
