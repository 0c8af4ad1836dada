import { reconciliationWorkflowId, type ReconciliationResult } from '@fleet/vsync-contracts';
import { readVsyncs } from '@fleet/vsync-data-access';
import { Registry } from 'prom-client';
import { FAST, vsyncTestEnv, type VsyncTestEnv } from './harness';

let env: VsyncTestEnv;
const registry = new Registry();

beforeAll(async () => {
  // DICT's buckets made small, so a reconciliation would overrun them without the client's own buckets.
  env = await vsyncTestEnv('vsync-faults', { seed: 7, rateLimits: { CIDS_ENTRIES_READ: { capacity: 20, refillPerMinute: 1200 }, CIDS_FILES_READ: { capacity: 5, refillPerMinute: 60 } } });
  await env.startWorker({ registry, rateLimits: { CIDS_ENTRIES_READ: { capacity: 20, refillPerMinute: 1200 }, CIDS_FILES_READ: { capacity: 5, refillPerMinute: 60 } } });
});
afterAll(async () => env?.close());

it('completes a reconciliation while the bridge fails 30% of calls and adds latency, never exceeding a rate limit', async () => {
  await env.seedBoth('EVP', 300);
  env.sim.inject({ keyType: 'EVP', missingLocally: 60, missingInDict: 10, attributeDrift: 10, logEvents: false });
  env.sim.setFaults({ unavailableRate: 0.3, latencyMs: 20, latencyJitterMs: 30, fileErrorNext: 1, corruptNextDownload: true });
  env.sim.resetStats();

  const summary = await env.verify({ day: '2026-11-22', keyTypes: ['EVP'], reconciliation: { ...FAST, approvalThreshold: 1000 } });
  expect(summary.verifications[0]!.result).toBe('NOK');
  const result = (await env.ctx.client.workflow.getHandle(reconciliationWorkflowId('EVP', '2026-11-22')).result()) as ReconciliationResult;
  expect(result).toMatchObject({ outcome: 'completed', finalVerification: 'OK', applied: { added: 60, updated: 10, removed: 10, vanished: 0 } });

  const stats = env.sim.stats();
  const sum = (r: Record<string, number>) => Object.values(r).reduce((a, b) => a + b, 0);
  expect(sum(stats.injectedUnavailable)).toBeGreaterThan(10); // the faults really happened
  expect(stats.files.error).toBe(1); // a file that failed was asked for again
  expect(stats.downloads.corrupted).toBe(1); // a corrupted download was caught by its SHA-256 and fetched again
  expect(stats.calls.getEntryByCid).toBeGreaterThan(70); // more than the bucket of 20 holds: the client paced them
  expect(sum(stats.refusedByRateLimit)).toBe(0);
  const [local] = await readVsyncs(env.db, ['EVP']);
  expect(local!.vsync).toBe(env.sim.vsync('EVP'));
  // The worker's counters say the same.
  const corrections = await registry.getSingleMetricAsString('vsync_corrections_total');
  expect(corrections).toContain('vsync_corrections_total{key_type="EVP",action="added"} 60');
  expect(corrections).toContain('vsync_corrections_total{key_type="EVP",action="removed"} 10');
  expect(await registry.getSingleMetricAsString('vsync_reconciliations_total')).toContain('{key_type="EVP",outcome="completed"} 1');
  // Usually 15-45 s; an unlucky run of refused calls backs off up to a minute between attempts (270 s seen once).
}, 600_000);
