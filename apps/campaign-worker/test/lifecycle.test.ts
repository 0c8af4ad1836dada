import {
  campaignApproveUpdate,
  campaignRejectUpdate,
  campaignScheduleUpdate,
  campaignStateQuery,
  campaignSubmitUpdate,
  campaignWorkflowId,
  type CampaignView,
} from '@fleet/campaigns-contracts';
import { readChanges, readOutbox, readPublications } from '@fleet/campaigns-data-access/testing';
import { waitFor } from '@fleet/tools-infra/testing';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { campaignInput, campaignsTestEnv, createCampaign, type CampaignsTestEnv } from './harness';
import { recordHistory } from './histories';

let env: CampaignsTestEnv;
beforeAll(async () => {
  env = await campaignsTestEnv('campaign-lifecycle');
  await env.startWorker();
}, 120_000);
afterAll(async () => env?.close());

const stateChanges = async (campaignId: string) => (await readChanges(env.db, campaignId)).filter((c) => c.kind === 'state').map((c) => (c.data as { to: string }).to);

it('runs a campaign from draft to finished: idempotent create, refused moves, approval with a reminder, publish on every channel once, events', async () => {
  const { client } = env.ctx;
  const input = campaignInput('life-1', {
    channels: [
      { channel: 'google', budget: 300, creatives: 2 },
      { channel: 'meta', budget: 300, creatives: 1 },
      { channel: 'linkedin', budget: 200, creatives: 1 },
      { channel: 'email', budget: 0, creatives: 1 },
    ],
    recipients: ['ann@example.test', 'bob@example.test'],
    approval: { remindAfterSeconds: 1, expireAfterSeconds: 120 },
  });
  const first = await createCampaign(client, input);
  const again = await createCampaign(client, input);
  expect(first.state).toBe('draft');
  expect(first.campaignId).toMatch(/^cmp_/);
  expect(again.campaignId).toBe(first.campaignId);
  const campaignId = first.campaignId as string;
  const handle = client.workflow.getHandle<() => Promise<CampaignView>>(campaignWorkflowId('life-1'));

  // Refused moves never enter history.
  await expect(handle.executeUpdate(campaignApproveUpdate, { args: [{ by: 'bob', reason: 'ok' }] })).rejects.toThrow(WorkflowUpdateFailedError);
  const history = await handle.fetchHistory();
  expect(JSON.stringify(history.events)).not.toContain('campaignApprove');
  const submitted = await handle.executeUpdate(campaignSubmitUpdate, { args: [{ by: 'alice' }] });
  expect(submitted.state).toBe('in_review');
  expect(submitted.contentReady).toBe(true);
  expect(submitted.creatives.every((c) => c.content !== null)).toBe(true);
  // The reminder fires after 1 s on a durable timer.
  await waitFor('the approval reminder', async () => (await handle.query(campaignStateQuery)).approval.remindedAt ?? undefined);
  await expect(handle.executeUpdate(campaignApproveUpdate, { args: [{ by: 'alice', reason: 'mine' }] })).rejects.toMatchObject({ cause: { message: expect.stringMatching(/cannot approve/) } });
  const approved = await handle.executeUpdate(campaignApproveUpdate, { args: [{ by: 'bob', reason: 'looks good' }] });
  expect(approved.approval).toMatchObject({ decision: 'approved', by: 'bob', reason: 'looks good' });
  const scheduled = await handle.executeUpdate(campaignScheduleUpdate, { args: [{ by: 'bob' }] });
  expect(scheduled.state).toBe('scheduled');

  const final = await handle.result();
  expect(final.state).toBe('finished');
  expect(final.creatives.map((c) => [c.reference, c.status])).toEqual([
    [`${campaignId}:google:1`, 'approved'],
    [`${campaignId}:google:2`, 'approved'],
    [`${campaignId}:meta:1`, 'approved'],
    [`${campaignId}:linkedin:1`, 'approved'],
    [`${campaignId}:email:1`, 'approved'],
  ]);
  await recordHistory(client, campaignWorkflowId('life-1'), 'campaign-finished');

  // Each ad exists once on its platform, under its deterministic reference.
  const objects = await env.sim.objects();
  expect(objects.map((o) => o.externalReference).sort()).toEqual([`${campaignId}:google:1`, `${campaignId}:google:2`, `${campaignId}:linkedin:1`, `${campaignId}:meta:1`]);
  expect(objects.every((o) => o.duplicateIndex === 0 && o.state === 'ACTIVE')).toBe(true);
  // Two e-mails, one per recipient, each with its own deterministic Message-ID.
  const mail = await env.mailpit.api.countMessageIds();
  expect(mail).toMatchObject({ total: 2, distinct: 2, copies: {} });

  await waitFor('the last change recorded', async () => (await stateChanges(campaignId)).includes('finished'));
  expect(await stateChanges(campaignId)).toEqual(['draft', 'in_review', 'approved', 'scheduled', 'running', 'finished']);
  const publications = await readPublications(env.db, campaignId);
  expect(publications.map((p) => p.status).sort()).toEqual(['approved', 'approved', 'approved', 'approved', 'sent']);
  const events = await readOutbox(env.db);
  const topics = events.map((e) => e.topic.split('/').pop());
  expect(topics.filter((t) => t === 'campaign-state-changed')).toHaveLength(6);
  expect((await readChanges(env.db, campaignId)).map((c) => c.kind)).toContain('approval-reminder');
  expect(topics).toContain('campaign-approval-reminder');
  // pending_review then approved for each ad, approved for the e-mail.
  expect(topics.filter((t) => t === 'campaign-publish-result')).toHaveLength(9);
});

it('ends a rejected campaign with who and why, and expires one nobody decides', async () => {
  const { client } = env.ctx;
  await createCampaign(client, campaignInput('rejected-1'));
  const rejected = client.workflow.getHandle<() => Promise<CampaignView>>(campaignWorkflowId('rejected-1'));
  await rejected.executeUpdate(campaignSubmitUpdate, { args: [{ by: 'alice' }] });
  const view = await rejected.executeUpdate(campaignRejectUpdate, { args: [{ by: 'bob', reason: 'off brand' }] });
  expect(view.state).toBe('rejected');
  expect(view.approval).toMatchObject({ decision: 'rejected', by: 'bob', reason: 'off brand' });
  expect((await rejected.result()).state).toBe('rejected');
  await expect(rejected.executeUpdate(campaignApproveUpdate, { args: [{ by: 'bob', reason: 'changed my mind' }] })).rejects.toThrow();
  await recordHistory(client, campaignWorkflowId('rejected-1'), 'campaign-rejected');

  const created = await createCampaign(client, campaignInput('expiring-1', { approval: { remindAfterSeconds: 1, expireAfterSeconds: 2 } }));
  const expiring = client.workflow.getHandle<() => Promise<CampaignView>>(campaignWorkflowId('expiring-1'));
  await expiring.executeUpdate(campaignSubmitUpdate, { args: [{ by: 'alice' }] });
  const expired = await expiring.result();
  expect(expired.state).toBe('expired');
  expect(expired.approval.decision).toBe('expired');
  expect(expired.approval.remindedAt).not.toBeNull();
  await waitFor('expiry recorded', async () => (await stateChanges(created.campaignId as string)).includes('expired'));
  expect(await stateChanges(created.campaignId as string)).toEqual(['draft', 'in_review', 'expired']);
  expect(await env.sim.objects()).toHaveLength(4); // nothing of these two was published
});

it('refuses a campaign whose dates have passed in its time zone', async () => {
  const input = campaignInput('past-1', { startAt: '2020-01-01', endAt: '2020-01-31' });
  await expect(createCampaign(env.ctx.client, input)).rejects.toMatchObject({ cause: { message: expect.stringMatching(/before now/) } });
});
