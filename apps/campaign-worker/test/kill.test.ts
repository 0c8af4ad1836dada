import { campaignApproveUpdate, campaignScheduleUpdate, campaignSubmitUpdate, campaignWorkflowId, type CampaignView } from '@fleet/campaigns-contracts';
import { appNodeArgs, repoRoot, spawnManaged, testEnv, waitFor } from '@fleet/tools-infra/testing';
import path from 'node:path';
import { campaignInput, campaignsTestEnv, createCampaign, type CampaignsTestEnv } from './harness';

let env: CampaignsTestEnv;
beforeAll(async () => {
  env = await campaignsTestEnv('campaign-kill', { env: { QUOTA_GOOGLE: '3', QUOTA_META: '3', QUOTA_LINKEDIN: '3' } });
}, 120_000);
afterAll(async () => env?.close());
// The worker process needs its bundle and start: allow for both.

it('a worker SIGKILLed mid-publish leaves no duplicate on any platform', async () => {
  const worker = spawnManaged({
    name: 'campaign-worker',
    command: process.execPath,
    args: [...appNodeArgs(), path.join(repoRoot, 'apps/campaign-worker/src/main.ts')],
    cwd: repoRoot,
    env: { ...process.env, ...env.env },
    logFile: path.join(testEnv('dir'), 'logs', 'campaign-kill-worker.log'),
  });
  // Lost answers too: the create is done but its answer never arrives, so only the lookup avoids a second one.
  await env.sim.addFault({ kind: 'lostResponse', channel: 'meta', operation: 'create', count: 2 });
  const { client } = env.ctx;
  const created = await createCampaign(
    client,
    campaignInput('kill-1', { channels: [{ channel: 'google', budget: 300, creatives: 8 }, { channel: 'meta', budget: 300, creatives: 8 }, { channel: 'linkedin', budget: 300, creatives: 8 }], partialFailure: 'best-effort' }, 45_000),
  );
  const campaignId = created.campaignId as string;
  const handle = client.workflow.getHandle<() => Promise<CampaignView>>(campaignWorkflowId('kill-1'));
  await handle.executeUpdate(campaignSubmitUpdate, { args: [{ by: 'alice' }] });
  await handle.executeUpdate(campaignApproveUpdate, { args: [{ by: 'bob', reason: 'ok' }] });
  await handle.executeUpdate(campaignScheduleUpdate, { args: [{ by: 'bob' }] });
  await waitFor('publishing under way', async () => (await env.sim.objects()).length >= 6, 60_000, 20);
  await worker.stop('SIGKILL', 0);
  const killedAt = (await env.sim.objects()).length;
  expect(killedAt).toBeLessThan(24);
  await env.startWorker();
  const final = await handle.result();
  expect(final.state).toBe('finished');
  const objects = (await env.sim.objects()).filter((o) => o.externalReference.startsWith(campaignId));
  expect(objects).toHaveLength(24);
  expect(objects.filter((o) => o.duplicateIndex > 0)).toEqual([]);
  expect((await env.sim.stats()).totals.duplicates).toBe(0);
}, 180_000);
