import { loadDeclarationSet, reconcile } from '@fleet/shared-schedules';
import { createTestContext, repoRoot, type TestContext } from '@fleet/tools-infra/testing';
import { VSYNC_PROJECT, vsyncDomain } from '@fleet/vsync-contracts';

import { ScheduleOverlapPolicy } from '@temporalio/client';
import path from 'node:path';

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestContext('vsync schedule');
});
afterAll(async () => ctx?.close());

it("declares the daily verification at 03:00 America/Sao_Paulo (06:00 UTC), one at a time, and the gateway's reconcile makes it so", async () => {
  const declared = loadDeclarationSet([path.join(repoRoot, 'apps/vsync-worker/workflows.yaml')], vsyncDomain.inputSchemas);
  const result = await reconcile({ client: ctx.client, declarations: declared.declarations, projects: [VSYNC_PROJECT] });
  expect(result.outcomes.map((o) => [o.scheduleId, o.action, o.status])).toEqual([['schedule-vsync-worker-daily-vsync-verification', 'create', 'done']]);

  const description = await ctx.client.schedule.getHandle('schedule-vsync-worker-daily-vsync-verification').describe();
  expect(description.action).toMatchObject({ type: 'startWorkflow', workflowType: 'vsyncVerificationWorkflow', taskQueue: 'vsync' });
  expect(description.policies.overlap).toBe(ScheduleOverlapPolicy.SKIP);
  expect(description.spec.timezone).toBe('America/Sao_Paulo');
  const next = description.info.nextActionTimes;
  expect(next.length).toBeGreaterThan(1);
  // Brasília time has had no daylight saving since 2019: 03:00 there is 06:00 UTC every day.
  for (const at of next) expect(at.toISOString().slice(11, 19)).toBe('06:00:00');
  expect(next[1]!.getTime() - next[0]!.getTime()).toBe(24 * 3_600_000);
});
