import { createCampaignsActivities } from '@fleet/campaigns-activities';
import {
  campaignApproveUpdate,
  campaignPauseUpdate,
  campaignResumeUpdate,
  campaignScheduleUpdate,
  campaignsEvents,
  campaignStateQuery,
  campaignSubmitUpdate,
  campaignWorkflowId,
  type CampaignChange,
  type CampaignView,
} from '@fleet/campaigns-contracts';
import { readChanges, readOptimizationDecisions, readOutbox } from '@fleet/campaigns-data-access/testing';
import { consumeEvents, createOutbox, ensureEventNamespaces, ensureSubscription, topicOf, type EventEnvelope, type RunningConsumer } from '@fleet/shared-events';
import { createLogger } from '@fleet/shared-observability';
import { waitFor } from '@fleet/tools-infra/testing';
import { campaignInput, campaignsTestEnv, createCampaign, type CampaignsTestEnv } from './harness';
import { recordHistory } from './histories';

let env: CampaignsTestEnv;
const consumers: RunningConsumer[] = [];
const logger = createLogger('campaign-optimization-test', 'silent');
beforeAll(async () => {
  env = await campaignsTestEnv('campaign-optimization');
  await env.startWorker();
}, 120_000);
afterAll(async () => {
  await Promise.all(consumers.map((c) => c.stop()));
  await env?.close();
});

/** Every optimization decision event the broker delivers, as another team's consumer would see it. */
async function collectDecisions(): Promise<EventEnvelope[]> {
  const topic = topicOf(campaignsEvents.optimizationDecision, env.ctx.pulsar.tenant);
  await ensureEventNamespaces(env.ctx.pulsar.adminUrl, ['campaigns'], env.ctx.pulsar.tenant);
  await ensureSubscription(env.ctx.pulsar.adminUrl, topic, 'optimization-test');
  const events: EventEnvelope[] = [];
  consumers.push(consumeEvents({ wsUrl: env.ctx.pulsar.wsUrl, topic, subscription: 'optimization-test', logger, handle: async (e) => void events.push(e) }));
  return events;
}

/** Fixes the figures the simulator reports for a campaign's objects on one of its platforms. */
async function setDelivery(setting: { channel: 'google-ads' | 'meta' | 'linkedin'; referencePrefix: string; impressions: number; clicks: number; spend: number }) {
  const res = await fetch(`${env.sim.url}/admin/delivery`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(setting) });
  expect(res.status).toBe(201);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** What a campaign's objects on one platform are set to (the simulator's admin API): status and budget fields. */
async function onPlatform(campaignId: string, channel: 'google-ads' | 'meta') {
  const objects = (await env.sim.objects({ channel, account: 'acme' })).filter((o) => o.externalReference.startsWith(campaignId) && o.state !== 'REMOVED');
  return objects.map((o) => (channel === 'google-ads' ? { status: o.fields.status, budget: Number(o.fields.budgetAmountMicros) / 1_000_000 } : { status: o.fields.status, budget: Number(o.fields.daily_budget) / 100 }));
}

it('monitors a running campaign: pauses the channel under the CTR threshold, moves its budget, records and publishes each decision once', async () => {
  const events = await collectDecisions();
  const { client } = env.ctx;
  const key = 'optimize-1';
  const created = await createCampaign(
    client,
    campaignInput(
      key,
      {
        channels: [
          { channel: 'google', budget: 300, creatives: 1 },
          { channel: 'meta', budget: 300, creatives: 1 },
        ],
        optimization: { monitorEverySeconds: 2, minClickThroughRate: 0.01, minImpressions: 1000, moveBudget: true },
      },
      30_000,
    ),
  );
  const campaignId = created.campaignId as string;
  expect(created.optimization).toMatchObject({ rule: { monitorEverySeconds: 2, minClickThroughRate: 0.01, minImpressions: 1000, moveBudget: true }, passes: 0, decisions: [] });
  // Google does well (5% CTR); Meta shows its ads but nobody clicks (0.2%), having spent 40 of its 300.
  await setDelivery({ channel: 'google-ads', referencePrefix: campaignId, impressions: 5000, clicks: 250, spend: 100 });
  await setDelivery({ channel: 'meta', referencePrefix: campaignId, impressions: 10_000, clicks: 20, spend: 40 });

  const handle = client.workflow.getHandle<() => Promise<CampaignView>>(campaignWorkflowId(key));
  await handle.executeUpdate(campaignSubmitUpdate, { args: [{ by: 'alice' }] });
  await handle.executeUpdate(campaignApproveUpdate, { args: [{ by: 'bob', reason: 'ok' }] });
  await handle.executeUpdate(campaignScheduleUpdate, { args: [{ by: 'bob' }] });

  const decided = await waitFor('the monitor decided', async () => {
    const v = await handle.query(campaignStateQuery);
    return (v.optimization?.decisions.length ?? 0) >= 2 ? v : undefined;
  }, 20_000);
  const pass = decided.optimization?.decisions[0]?.pass as number;
  expect(decided.optimization?.decisions).toEqual([
    expect.objectContaining({ pass, action: 'pause_channel', channel: 'meta', toChannel: null, amount: null, impressions: 10_000, clicks: 20, reason: expect.stringMatching(/click-through rate 0\.20% .* under 1\.00%/) }),
    expect.objectContaining({ pass, action: 'move_budget', channel: 'meta', toChannel: 'google', amount: 260 }),
  ]);
  // The same pause a person makes: by the optimizer, with the rule's reason; the budget moved.
  expect(decided.channels).toEqual([
    expect.objectContaining({ channel: 'google', status: 'active', budget: 560 }),
    expect.objectContaining({ channel: 'meta', status: 'paused', budget: 40, pausedReason: expect.stringMatching(/under 1\.00%/) }),
  ]);
  expect(decided.optimization?.delivery).toEqual([
    { channel: 'google', impressions: 5000, clicks: 250, spend: 100, objects: 1 },
    { channel: 'meta', impressions: 10_000, clicks: 20, spend: 40, objects: 1 },
  ]);
  // On the platforms too: Meta's live campaign paused (at what is left of its budget), Google's
  // carrying the moved budget (its 560 over its one creative), both published at 300.
  const settled = await waitFor('the decisions applied on the platforms', async () => {
    const [google, meta] = await Promise.all([onPlatform(campaignId, 'google-ads'), onPlatform(campaignId, 'meta')]);
    return google[0]?.budget === 560 && meta[0]?.status === 'PAUSED' ? { google, meta } : undefined;
  }, 20_000);
  expect(settled).toEqual({ google: [{ status: 'ENABLED', budget: 560 }], meta: [{ status: 'PAUSED', budget: 40 }] });
  // Paused on the platform, Meta's figures stand still (they do not drop): the next pass reads the same.
  const passesAtPause = (await handle.query(campaignStateQuery)).optimization?.passes ?? 0;
  const later = await waitFor('a pass with meta paused on the platform', async () => {
    const v = await handle.query(campaignStateQuery);
    return (v.optimization?.passes ?? 0) > passesAtPause ? v : undefined;
  }, 10_000);
  expect(later.optimization?.delivery.find((d) => d.channel === 'meta')).toMatchObject({ impressions: 10_000, clicks: 20 });

  // Paused, the campaign is not monitored: no pass, no next pass due.
  const paused = await handle.executeUpdate(campaignPauseUpdate, { args: [{ by: 'carol', reason: 'a look at the figures' }] });
  expect(paused.optimization?.nextPassAt).toBeNull();
  const passesWhilePaused = paused.optimization?.passes;
  await sleep(3_000);
  expect((await handle.query(campaignStateQuery)).optimization?.passes).toBe(passesWhilePaused);
  await handle.executeUpdate(campaignResumeUpdate, { args: [{ by: 'carol' }] });
  await waitFor('a pass due again', async () => (await handle.query(campaignStateQuery)).optimization?.nextPassAt ?? undefined);

  // Resumed by a person, the channel is judged again only on what it delivers from then on (nothing new here): it stays active.
  const resumed = await handle.executeUpdate(campaignResumeUpdate, { args: [{ by: 'carol', channel: 'meta', reason: 'one more week' }] });
  expect(resumed.channels.find((c) => c.channel === 'meta')?.status).toBe('active');
  // Resumed by a person, the channel's live objects run again on the platform (with the channel's budget now).
  expect(await waitFor('meta enabled again on the platform', async () => {
    const meta = await onPlatform(campaignId, 'meta');
    return meta[0]?.status === 'ACTIVE' ? meta : undefined;
  }, 20_000)).toEqual([{ status: 'ACTIVE', budget: 40 }]);
  expect(await onPlatform(campaignId, 'google-ads')).toEqual([{ status: 'ENABLED', budget: 560 }]);
  const passesAtResume = resumed.optimization?.passes as number;
  await waitFor('two more passes', async () => ((await handle.query(campaignStateQuery)).optimization?.passes ?? 0) >= passesAtResume + 2, 15_000);

  const final = await handle.result();
  expect(final.state).toBe('finished');
  expect(final.channels.map((c) => [c.channel, c.status, c.budget])).toEqual([
    ['google', 'active', 560],
    ['meta', 'active', 40],
  ]);
  expect(final.optimization?.decisions).toHaveLength(2);
  expect(final.optimization?.nextPassAt).toBeNull();
  expect(final.optimization?.passes).toBeGreaterThanOrEqual(passesAtResume + 2);
  await recordHistory(client, campaignWorkflowId(key), 'campaign-optimized');

  // One row per decision, keyed (campaign, pass, channel, action).
  const rows = await waitFor('the decisions recorded', async () => {
    const r = await readOptimizationDecisions(env.db, campaignId);
    return r.length >= 2 ? r : undefined;
  });
  expect(rows.map((r) => [r.pass, r.channel, r.action, r.to_channel, r.amount === null ? null : Number(r.amount), Number(r.impressions), Number(r.clicks)])).toEqual([
    [pass, 'meta', 'pause_channel', null, null, 10_000, 20],
    [pass, 'meta', 'move_budget', 'google', 260, 10_000, 20],
  ]);
  // In the campaign's change stream: the decisions, then the pause they made; the resume by a person.
  await waitFor('the last change recorded', async () => (await readChanges(env.db, campaignId)).some((c) => c.kind === 'state' && (c.data as { to: string }).to === 'finished'));
  const changes = (await readChanges(env.db, campaignId)).map((c) => c.data);
  const optimizationChanges = changes.filter((c) => c.kind === 'optimization');
  expect(optimizationChanges.map((c) => (c as { action: string }).action)).toEqual(['pause_channel', 'move_budget']);
  expect(changes.filter((c) => c.kind === 'channel').map((c) => [(c as { status: string }).status, (c as { by: string | null }).by])).toEqual([
    ['paused', 'optimizer'],
    ['active', 'carol'],
  ]);

  // Each decision's event: once in the outbox, once through the broker.
  const outbox = (await readOutbox(env.db)).filter((e) => e.topic.endsWith('/campaign-optimization-decision'));
  expect(outbox.map((e) => [e.subject, e.data.action, e.data.pass])).toEqual([
    [campaignId, 'pause_channel', pass],
    [campaignId, 'move_budget', pass],
  ]);
  await waitFor('two decision events from Pulsar', () => events.length >= 2, 30_000);
  expect(events.map((e) => e.data)).toEqual([
    expect.objectContaining({ campaignId, pass, action: 'pause_channel', channel: 'meta', toChannel: null, amount: null }),
    expect.objectContaining({ campaignId, pass, action: 'move_budget', channel: 'meta', toChannel: 'google', amount: 260 }),
  ]);
  expect(new Set(events.map((e) => e.id)).size).toBe(2);

  // A retried recording (the same changes again) inserts nothing twice and publishes nothing twice.
  const { activities, release } = createCampaignsActivities({
    db: env.db,
    outbox: createOutbox('campaign-worker', env.ctx.pulsar.tenant),
    logger,
    writer: { write: () => Promise.reject(new Error('not used')) },
    channels: { platforms: { baseUrl: env.sim.url, account: 'acme' }, smtp: { host: env.mailpit.smtp.host, port: env.mailpit.smtp.port, from: 'test@example.test' }, ratePerSecond: () => 10 },
  });
  try {
    await activities.recordCampaignChanges({ view: final, changes: changes as CampaignChange[] });
  } finally {
    release();
  }
  expect(await readOptimizationDecisions(env.db, campaignId)).toHaveLength(2);
  expect((await readOutbox(env.db)).filter((e) => e.topic.endsWith('/campaign-optimization-decision'))).toHaveLength(2);
  await sleep(2_000);
  expect(events).toHaveLength(2);
}, 120_000);

it('refuses a bad optimization rule, naming the field', async () => {
  const input = campaignInput('optimize-bad', { optimization: { monitorEverySeconds: 0, minClickThroughRate: 1.5 } });
  await expect(createCampaign(env.ctx.client, input)).rejects.toMatchObject({
    cause: { message: expect.stringMatching(/optimization\.monitorEverySeconds: .*optimization\.minClickThroughRate: /s) },
  });
});
