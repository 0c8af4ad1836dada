import { campaignApproveUpdate, campaignResumeUpdate, campaignScheduleUpdate, campaignStateQuery, campaignSubmitUpdate, campaignWorkflowId, type CampaignView, type CreateCampaignRequest } from '@fleet/campaigns-contracts';
import { readLimits } from '@fleet/campaigns-data-access/testing';
import { waitFor } from '@fleet/tools-infra/testing';
import { campaignInput, campaignsTestEnv, createCampaign, type CampaignsTestEnv } from './harness';

let env: CampaignsTestEnv;
beforeAll(async () => {
  env = await campaignsTestEnv('campaign-quotas', { env: { QUOTA_META: '2', QUOTA_LINKEDIN: '2' } });
  await env.startWorker();
}, 120_000);
afterAll(async () => env?.close());

async function launch(key: string, overrides: Partial<CreateCampaignRequest>, endInMs: number) {
  const { client } = env.ctx;
  const created = await createCampaign(client, campaignInput(key, overrides, endInMs));
  const handle = client.workflow.getHandle<() => Promise<CampaignView>>(campaignWorkflowId(key));
  await handle.executeUpdate(campaignSubmitUpdate, { args: [{ by: 'alice' }] });
  await handle.executeUpdate(campaignApproveUpdate, { args: [{ by: 'bob', reason: 'ok' }] });
  await handle.executeUpdate(campaignScheduleUpdate, { args: [{ by: 'bob' }] });
  return { campaignId: created.campaignId as string, handle };
}

it('honours a 429 storm: after the first refusal no call is refused (Retry-After and the quota headers, shared in PostgreSQL)', async () => {
  // The platform allows 1 call/s while the worker is configured for 2/s, and throttles the first call. (At 10/s a
  // second call can leave before the first answer tells the limiter the bucket is empty: the limiter does not
  // learn the platform's rate from x-ratelimit-rate yet, so a busy machine met one quota 429 there.)
  await env.sim.setQuota('meta', { ratePerSecond: 1, burst: 1 });
  await env.sim.addFault({ kind: 'throttle', channel: 'meta', count: 1 });
  const { campaignId, handle } = await launch('storm-1', { channels: [{ channel: 'meta', budget: 600, creatives: 6 }], partialFailure: 'best-effort' }, 30_000);
  const final = await handle.result();
  expect(final.state).toBe('finished');
  expect(final.creatives.every((c) => c.status === 'approved')).toBe(true);
  const stats = (await env.sim.stats()).channels.meta?.acme;
  // One refused call (the throttle fault's), none by the quota, and every creative created once.
  expect(stats?.faults).toBe(1);
  expect(stats?.throttled).toBe(0);
  expect(stats?.duplicates).toBe(0);
  const objects = (await env.sim.objects({ channel: 'meta' })).filter((o) => o.externalReference.startsWith(campaignId));
  expect(objects).toHaveLength(6);
  const limit = (await readLimits(env.db)).find((l) => l.channel === 'meta');
  expect(limit?.refusals).toBeGreaterThanOrEqual(1);
}, 120_000);

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
