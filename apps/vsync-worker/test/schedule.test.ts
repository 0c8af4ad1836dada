import { declarationFromMemo } from '@fleet/shared-schedules';
import { ScheduleOverlapPolicy } from '@temporalio/client';
import { repoRoot } from '@fleet/tools-infra/testing';
import path from 'node:path';
import { vsyncTestEnv, type VsyncTestEnv } from './harness';

let env: VsyncTestEnv;
beforeAll(async () => {
  // Test workers keep no schedules unless told which file: this one reconciles the vsync worker's own.
  env = await vsyncTestEnv('vsync schedule', {}, { SCHEDULE_FILE: path.join(repoRoot, 'apps/vsync-worker/workflows.yaml') });
});
afterAll(async () => env?.close());

it('declares the daily verification at 03:00 America/Sao_Paulo (06:00 UTC), one at a time, and the vsync worker makes it so at its start', async () => {
  const worker = await env.startWorker();
  expect(worker.schedules?.state).toBe('ready');
  expect(worker.schedules?.lastResult?.outcomes.map((o) => [o.scheduleId, o.action, o.status])).toEqual([['schedule-vsync-worker-daily-vsync-verification', 'create', 'done']]);

  const description = await env.ctx.client.schedule.getHandle('schedule-vsync-worker-daily-vsync-verification').describe();
  expect(description.action).toMatchObject({ type: 'startWorkflow', workflowType: 'vsyncVerificationWorkflow', taskQueue: 'vsync' });
  expect(description.policies.overlap).toBe(ScheduleOverlapPolicy.SKIP);
  expect(description.spec.timezone).toBe('America/Sao_Paulo');
  expect(declarationFromMemo(description.memo)).toMatchObject({ file: 'apps/vsync-worker/workflows.yaml', project: 'vsync-worker', workflowId: 'daily-vsync-verification', catchupWindowMs: 6 * 3_600_000 });
  const next = description.info.nextActionTimes;
  expect(next.length).toBeGreaterThan(1);
  // Brasília time has had no daylight saving since 2019: 03:00 there is 06:00 UTC every day.
  for (const at of next) expect(at.toISOString().slice(11, 19)).toBe('06:00:00');
  expect(next[1]!.getTime() - next[0]!.getTime()).toBe(24 * 3_600_000);

  // A second replica of the worker, with nothing changed, writes nothing.
  const replica = await env.startWorker();
  expect(replica.schedules?.lastResult?.writes).toBe(0);
});
