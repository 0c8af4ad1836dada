import { campaignApproveUpdate, campaignCancelUpdate, campaignScheduleUpdate, campaignSubmitUpdate, campaignWorkflowId, type CampaignView } from '@fleet/campaigns-contracts';
import { readOutbox, readPublications } from '@fleet/campaigns-data-access/testing';
import { waitFor } from '@fleet/tools-infra/testing';
import { campaignInput, campaignsTestEnv, createCampaign, type CampaignsTestEnv } from './harness';
import { recordHistory } from './histories';

// Reviews take 20-30 s, so a cancel finds creatives out and pending; each channel publishes at 2/s.
let env: CampaignsTestEnv;
beforeAll(async () => {
  env = await campaignsTestEnv('campaign-compensation', { sim: { reviewMinMs: 20_000, reviewMaxMs: 30_000 }, env: { QUOTA_GOOGLE: '2', QUOTA_META: '2', QUOTA_LINKEDIN: '2' } });
  await env.startWorker();
}, 120_000);
afterAll(async () => env?.close());

async function runUntilPublishing(key: string) {
  const { client } = env.ctx;
  const created = await createCampaign(
    client,
    campaignInput(key, { channels: [{ channel: 'google', budget: 300, creatives: 3 }, { channel: 'meta', budget: 300, creatives: 2 }, { channel: 'linkedin', budget: 200, creatives: 2 }] }, 120_000),
  );
  const handle = client.workflow.getHandle<() => Promise<CampaignView>>(campaignWorkflowId(key));
  await handle.executeUpdate(campaignSubmitUpdate, { args: [{ by: 'alice' }] });
  await handle.executeUpdate(campaignApproveUpdate, { args: [{ by: 'bob', reason: 'ok' }] });
  await handle.executeUpdate(campaignScheduleUpdate, { args: [{ by: 'bob' }] });
  return { campaignId: created.campaignId as string, handle };
}

it('cancelled mid-publish, unpublishes everything that went out, in reverse order, and records it', async () => {
  const { campaignId, handle } = await runUntilPublishing('cancel-1');
  await waitFor('some creatives out', async () => (await env.sim.objects()).filter((o) => o.externalReference.startsWith(campaignId)).length >= 3, 30_000);
  const cancelled = await handle.executeUpdate(campaignCancelUpdate, { args: [{ by: 'carol', reason: 'budget frozen' }] });
  expect(cancelled.state).toBe('cancelled');
  const final = await handle.result();
  expect(final.state).toBe('cancelled');
  expect(final.compensation.status).toBe('done');
  const objects = (await env.sim.objects()).filter((o) => o.externalReference.startsWith(campaignId));
  expect(objects.length).toBeGreaterThanOrEqual(3);
  expect(objects.every((o) => o.state === 'REMOVED' && o.duplicateIndex === 0)).toBe(true);
  expect(final.compensation.unpublished).toBe(objects.length);
  // One at a time, in the saga's order: newest first, so the first creative created is removed last.
  const created = [...objects].sort((a, b) => a.createdAt.localeCompare(b.createdAt)).map((o) => o.externalReference);
  const removed = [...objects].sort((a, b) => (a.removedAt as string).localeCompare(b.removedAt as string)).map((o) => o.externalReference);
  expect(removed).toEqual(final.compensation.order.filter((r) => removed.includes(r)));
  // Within a channel (its creates spaced by its limiter), the removals run in reverse order of the creates.
  for (const channel of ['google-ads', 'meta', 'linkedin']) {
    const mine = (refs: string[]) => refs.filter((r) => objects.find((o) => o.externalReference === r)?.channel === channel);
    expect(mine(removed)).toEqual(mine(created).reverse());
  }
  const publications = await readPublications(env.db, campaignId);
  expect(publications.filter((p) => p.status === 'unpublished').map((p) => p.reference).sort()).toEqual(objects.map((o) => o.externalReference).sort());
  const unpublishedEvents = (await readOutbox(env.db)).filter((e) => e.subject === campaignId && e.data.status === 'unpublished');
  expect(unpublishedEvents).toHaveLength(objects.length);
  await recordHistory(env.ctx.client, campaignWorkflowId('cancel-1'), 'campaign-cancelled');
});

it('all-or-nothing: a disapproved creative unpublishes the rest and fails the campaign', async () => {
  await env.sim.reset(); // the first test's pending reviews would draw the fault
  await env.sim.addFault({ kind: 'disapprove', channel: 'meta', count: 1 });
  // Quick reviews for this one: the simulator's review time is per process, so a fresh campaign waits 20-30 s; allowed.
  const { campaignId, handle } = await runUntilPublishing('aon-1');
  const final = await handle.result();
  expect(final.state).toBe('failed');
  expect(final.failure).toMatch(/meta:\d disapproved/);
  const objects = (await env.sim.objects()).filter((o) => o.externalReference.startsWith(campaignId));
  expect(objects.every((o) => o.state === 'REMOVED')).toBe(true);
}, 120_000);
