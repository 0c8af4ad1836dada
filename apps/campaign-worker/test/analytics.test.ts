import { repoRoot } from '@fleet/tools-infra/testing';
import { ScheduleOverlapPolicy, type ScheduleHandle } from '@temporalio/client';
import type { AnalyticsSummary } from '@fleet/campaigns-contracts';
import { sql } from 'kysely';
import path from 'node:path';
import { campaignsTestEnv, type CampaignsTestEnv } from './harness';
import { recordHistory } from './histories';

const DAILY = 'schedule-campaign-worker-daily-campaign-analytics';
const WEEKLY = 'schedule-campaign-worker-weekly-campaign-analytics';

let env: CampaignsTestEnv;
beforeAll(async () => {
  // Test workers keep no schedules unless told which file: this one reconciles the campaign worker's own.
  env = await campaignsTestEnv('campaign analytics', { env: { SCHEDULE_FILE: path.join(repoRoot, 'apps/campaign-worker/workflows.yaml') } });
});
afterAll(async () => env?.close());

/** Two campaigns' activity over 20 to 22 November 2026 in São Paulo (UTC-3), some of it near midnight there. */
async function seed(): Promise<{ a: string; b: string }> {
  const campaign = (key: string, createdAt: string) => ({
    idempotency_key: key,
    workflow_id: `campaign-${key}`,
    name: `Campaign ${key}`,
    time_zone: 'America/Sao_Paulo',
    budget_total: 100,
    currency: 'BRL',
    partial_failure: 'continue',
    input: JSON.stringify({}),
    created_at: createdAt,
    updated_at: createdAt,
  });
  const rows = await env.db.insertInto('campaigns').values([campaign('an-a', '2026-11-19T12:00:00Z'), campaign('an-b', '2026-11-21T12:00:00Z')]).returning(['campaign_id', 'idempotency_key']).execute();
  const a = rows.find((r) => r.idempotency_key === 'an-a')!.campaign_id;
  const b = rows.find((r) => r.idempotency_key === 'an-b')!.campaign_id;
  const change = (campaignId: string, seq: number, at: string) => ({ campaign_id: campaignId, seq, kind: 'state' as const, data: JSON.stringify({}), at });
  await env.db.insertInto('campaign_changes').values([change(a, 1, '2026-11-20T15:00:00Z'), change(b, 1, '2026-11-21T13:00:00Z')]).execute();
  const pub = (reference: string, campaignId: string, status: 'approved' | 'disapproved' | 'unpublished', publishedAt: string, reviewedAt: string | null, unpublishedAt: string | null) => ({
    reference,
    campaign_id: campaignId,
    channel: 'google',
    creative: 1,
    external_id: `x-${reference}`,
    status,
    feedback: null,
    published_at: publishedAt,
    reviewed_at: reviewedAt,
    unpublished_at: unpublishedAt,
    updated_at: new Date(publishedAt),
  });
  await env.db
    .insertInto('campaign_publications')
    .values([
      pub('a1', a, 'approved', '2026-11-20T15:00:00Z', '2026-11-21T10:00:00Z', null),
      // 23:30 on the 20th in São Paulo.
      pub('a2', a, 'disapproved', '2026-11-21T02:30:00Z', '2026-11-22T14:00:00Z', null),
      // 23:59 on the 21st in São Paulo.
      pub('b1', b, 'unpublished', '2026-11-22T02:59:00Z', null, '2026-11-22T12:00:00Z'),
    ])
    .execute();
  return { a, b };
}

const rowsNow = () =>
  sql<Record<string, unknown>>`
    select campaign_id, period_kind, period_start::text, period_end::text, time_zone, changes, publications_published, publications_approved,
      publications_disapproved, publications_failed, publications_removed, revision, xmin::text as xmin, computed_at
    from campaign_analytics order by period_kind, period_start, campaign_id`
    .execute(env.db)
    .then((r) => r.rows);

/** Backfills the window and waits for the runs it started (the schedule's recent actions past `before`). */
async function backfill(handle: ScheduleHandle, start: string, end: string, before: number, count: number): Promise<{ workflowId: string; runId: string; result: AnalyticsSummary }[]> {
  await handle.backfill({ start: new Date(start), end: new Date(end), overlap: ScheduleOverlapPolicy.BUFFER_ALL });
  for (let i = 0; i < 300; i++) {
    const d = await handle.describe();
    const actions = d.info.recentActions.slice(before);
    if (actions.length === count && d.info.runningActions.length === 0) {
      return Promise.all(
        actions.map(async (act) => {
          const { workflowId, firstExecutionRunId } = act.action.workflow;
          return { workflowId, runId: firstExecutionRunId, result: (await env.ctx.client.workflow.getHandle(workflowId, firstExecutionRunId).result()) as AnalyticsSummary };
        }),
      );
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`backfill of ${handle.scheduleId} did not finish`);
}

it('aggregates each day and week of a backfill per campaign, and a second backfill of the same window changes nothing', async () => {
  const worker = await env.startWorker();
  expect(worker.schedules?.state).toBe('ready');
  const daily = env.ctx.client.schedule.getHandle(DAILY);
  const weekly = env.ctx.client.schedule.getHandle(WEEKLY);
  const described = await daily.describe();
  expect(described.action).toMatchObject({ type: 'startWorkflow', workflowType: 'campaignAnalyticsWorkflow', taskQueue: 'campaigns' });
  expect(described.spec.timezone).toBe('America/Sao_Paulo');
  expect(described.policies.overlap).toBe(ScheduleOverlapPolicy.SKIP);
  expect(described.policies.catchupWindow).toBe(86_400_000);
  expect((await weekly.describe()).spec.timezone).toBe('America/Sao_Paulo');
  // 02:00 in São Paulo is 05:00 UTC.
  for (const at of described.info.nextActionTimes) expect(at.toISOString().slice(11, 19)).toBe('05:00:00');

  const { a, b } = await seed();

  // The daily actions of 21, 22 and 23 November (05:00 UTC): the days 20, 21 and 22.
  const first = await backfill(daily, '2026-11-21T04:00:00Z', '2026-11-23T06:00:00Z', 0, 3);
  expect(first.map((r) => [r.result.source, r.result.start, r.result.campaigns, r.result.written]).sort()).toEqual([
    ['schedule', '2026-11-20', 1, 1],
    ['schedule', '2026-11-21', 2, 2],
    ['schedule', '2026-11-22', 2, 2],
  ]);
  // The weekly action of Monday 23 November (03:00 there, 06:00 UTC): the ISO week of 16 to 22 November.
  const week = await backfill(weekly, '2026-11-23T05:00:00Z', '2026-11-23T07:00:00Z', 0, 1);
  expect(week.map((r) => [r.result.start, r.result.end, r.result.campaigns])).toEqual([['2026-11-16', '2026-11-23', 2]]);

  const figures = (rows: Record<string, unknown>[]) =>
    rows.map((r) => [r.campaign_id, r.period_kind, r.period_start, r.changes, r.publications_published, r.publications_approved, r.publications_disapproved, r.publications_removed, r.revision]);
  const before = await rowsNow();
  const expected = [
    [a, 'day', '2026-11-20', 1, 2, 0, 0, 0, 1],
    [a, 'day', '2026-11-21', 0, 0, 1, 0, 0, 1],
    [b, 'day', '2026-11-21', 1, 1, 0, 0, 0, 1],
    [a, 'day', '2026-11-22', 0, 0, 0, 1, 0, 1],
    [b, 'day', '2026-11-22', 0, 0, 0, 0, 1, 1],
    [a, 'week', '2026-11-16', 1, 2, 1, 1, 0, 1],
    [b, 'week', '2026-11-16', 1, 1, 0, 0, 1, 1],
  ];
  const sortKey = (r: unknown[]) => `${String(r[1])}|${String(r[2])}|${String(r[0])}`;
  expect(figures(before).sort((x, y) => sortKey(x).localeCompare(sortKey(y)))).toEqual(expected.sort((x, y) => sortKey(x).localeCompare(sortKey(y))));

  await recordHistory(env.ctx.client, first[0]!.workflowId, 'campaign-analytics', first[0]!.runId);

  // The same window again: every run finds the same figures and writes nothing (same rows, same xmin, revision 1).
  const again = await backfill(daily, '2026-11-21T04:00:00Z', '2026-11-23T06:00:00Z', 3, 3);
  expect(again.map((r) => r.result.written)).toEqual([0, 0, 0]);
  expect(await rowsNow()).toEqual(before);
});
