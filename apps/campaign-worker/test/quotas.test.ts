import { campaignApproveUpdate, campaignResumeUpdate, campaignScheduleUpdate, campaignStateQuery, campaignSubmitUpdate, campaignWorkflowId, type CampaignView, type CreateCampaignRequest } from '@fleet/campaigns-contracts';
import { readLimits } from '@fleet/campaigns-data-access/testing';
import { createLogger } from '@fleet/shared-observability';
import type { DomainWorker } from '@fleet/shared-worker';
import { waitFor } from '@fleet/tools-infra/testing';
import { loadConfig } from '../src/config';
import { startCampaignsWorker } from '../src/worker';
import { campaignInput, campaignsTestEnv, createCampaign, type CampaignsTestEnv } from './harness';

let env: CampaignsTestEnv;
let worker: DomainWorker | undefined;
// Each worker with its own limiter: nothing of what it learned survives it but what is in PostgreSQL.
const startWorker = () => startCampaignsWorker(loadConfig(env.env), createLogger('campaign-worker', 'fatal'));
beforeAll(async () => {
  env = await campaignsTestEnv('campaign-quotas', { env: { QUOTA_META: '2', QUOTA_LINKEDIN: '2' } });
  worker = await startWorker();
}, 120_000);
afterAll(async () => {
  await worker?.stop();
  await env?.close();
});

async function launch(key: string, overrides: Partial<CreateCampaignRequest>, endInMs: number) {
  const { client } = env.ctx;
  const created = await createCampaign(client, campaignInput(key, overrides, endInMs));
  const handle = client.workflow.getHandle<() => Promise<CampaignView>>(campaignWorkflowId(key));
  await handle.executeUpdate(campaignSubmitUpdate, { args: [{ by: 'alice' }] });
  await handle.executeUpdate(campaignApproveUpdate, { args: [{ by: 'bob', reason: 'ok' }] });
  await handle.executeUpdate(campaignScheduleUpdate, { args: [{ by: 'bob' }] });
  return { campaignId: created.campaignId as string, handle };
}

/** The campaign's objects on a channel, and the gaps between their creations (ms), in order. */
async function created(campaignId: string, channel: 'meta' | 'linkedin') {
  const objects = (await env.sim.objects({ channel })).filter((o) => o.externalReference.startsWith(campaignId));
  const times = objects.map((o) => Date.parse(o.createdAt)).sort((a, b) => a - b);
  return { objects, gaps: times.slice(1).map((t, i) => t - (times[i] as number)) };
}

it('follows the platform\'s announced rate when configured faster, and keeps it across a restart: no refused call beyond the first', async () => {
  // The platform allows 1 call/s (bursts of 3) while the worker is configured for 2/s; its first call is throttled.
  // The limiter learns 1/s from the quota headers (x-ratelimit-rate) of that first answer and spaces every call
  // after it a second apart: no call is refused by the quota, and the bucket is never even run dry (at the
  // configured 2/s it would be, and the limiter would be left to stop at each "remaining: 0" in time).
  await env.sim.setQuota('meta', { ratePerSecond: 1, burst: 3 });
  await env.sim.addFault({ kind: 'throttle', channel: 'meta', count: 1 });
  const first = await launch('storm-1', { channels: [{ channel: 'meta', budget: 600, creatives: 6 }], partialFailure: 'best-effort' }, 30_000);
  const final = await first.handle.result();
  expect(final.state).toBe('finished');
  expect(final.creatives.every((c) => c.status === 'approved')).toBe(true);
  let stats = (await env.sim.stats()).channels.meta?.acme;
  // One refused call (the throttle fault's, the first), none by the quota, and every creative created once.
  expect(stats?.faults).toBe(1);
  expect(stats?.throttled).toBe(0);
  expect(stats?.duplicates).toBe(0);
  const one = await created(first.campaignId, 'meta');
  expect(one.objects).toHaveLength(6);
  for (const gap of one.gaps) expect(gap).toBeGreaterThanOrEqual(900);
  // Learned, in PostgreSQL. The limiter's count of refusals and empty buckets is the fault's refusal alone: no
  // answer said the bucket was empty (remaining 0), so calls never went faster than the platform refills it.
  let limit = (await readLimits(env.db)).find((l) => l.channel === 'meta');
  expect(limit?.platform_rate).toBe(1);
  expect(limit?.refusals).toBe(1);

  // A new worker (a new limiter, nothing in memory) spaces its very first calls at the rate learned before the
  // restart: the refilled bucket of 3 is not spent either (at 2/s, the fourth call in a row would empty it).
  await worker?.stop();
  worker = await startWorker();
  const second = await launch('storm-2', { channels: [{ channel: 'meta', budget: 300, creatives: 3 }], partialFailure: 'best-effort' }, 20_000);
  expect((await second.handle.result()).state).toBe('finished');
  const two = await created(second.campaignId, 'meta');
  expect(two.objects).toHaveLength(3);
  for (const gap of two.gaps) expect(gap).toBeGreaterThanOrEqual(900);
  stats = (await env.sim.stats()).channels.meta?.acme;
  expect(stats?.faults).toBe(1);
  expect(stats?.throttled).toBe(0);
  expect(stats?.duplicates).toBe(0);
  limit = (await readLimits(env.db)).find((l) => l.channel === 'meta');
  expect(limit).toMatchObject({ platform_rate: 1, refusals: 1 });
  console.info(`storm at 2/s configured, 1/s announced: gaps between creations ${one.gaps.join(', ')} ms; after a restart ${two.gaps.join(', ')} ms`);
}, 150_000);

it('auto-pauses a channel after its errors and, resumed, sends what waited at the queue rate, not at once', async () => {
  await env.sim.addFault({ kind: 'disapprove', channel: 'linkedin', count: 2 });
  const { campaignId, handle } = await launch(
    'pause-1',
    { channels: [{ channel: 'linkedin', budget: 600, creatives: 8 }], partialFailure: 'best-effort', autoPause: { maxErrors: 2, maxErrorRate: 1, minSample: 100 } },
    60_000,
  );
  const paused = await waitFor('the channel auto-paused', async () => {
    const v = await handle.query(campaignStateQuery);
    return v.channels[0]?.status === 'auto-paused' ? v : undefined;
  }, 30_000);
  expect(paused.channels[0]?.pausedReason).toMatch(/2 errors/);
  await new Promise((r) => setTimeout(r, 2_000));
  const before = (await env.sim.objects({ channel: 'linkedin' })).filter((o) => o.externalReference.startsWith(campaignId));
  expect(before.length).toBeLessThan(8);
  const resumedAt = new Date().toISOString();
  const resumed = await handle.executeUpdate(campaignResumeUpdate, { args: [{ by: 'bob', channel: 'linkedin' }] });
  expect(resumed.channels[0]?.status).toBe('active');
  await waitFor('every creative out', async () => (await env.sim.objects({ channel: 'linkedin' })).filter((o) => o.externalReference.startsWith(campaignId)).length === 8, 60_000);
  const after = (await env.sim.objects({ channel: 'linkedin' })).filter((o) => o.externalReference.startsWith(campaignId) && o.createdAt > resumedAt);
  const times = after.map((o) => Date.parse(o.createdAt)).sort((a, b) => a - b);
  // What waited went out at most 2 per second (the queue's rate and the channel's slots), never at once.
  for (let i = 1; i < times.length; i++) expect((times[i] as number) - (times[i - 1] as number)).toBeGreaterThanOrEqual(350);
  expect(after.length).toBe(8 - before.length);
  const final = await handle.result();
  expect(final.state).toBe('finished');
  expect(final.creatives.filter((c) => c.status === 'disapproved')).toHaveLength(2);
  expect(final.creatives.filter((c) => c.status === 'approved')).toHaveLength(6);
}, 150_000);
