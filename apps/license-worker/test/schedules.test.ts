import { LICENSE_SCHEDULES, LICENSE_WORKFLOW_TYPES, SCHEDULED_DEACTIVATION_WORKFLOW_ID } from '@fleet/license-contracts';
import { ensureSchedule } from '@fleet/shared-temporal';
import { waitFor } from '@fleet/tools-infra/testing';
import { ScheduleOverlapPolicy } from '@temporalio/client';
import { execFileSync } from 'node:child_process';
import { resolveTemporalCli } from '@fleet/tools-infra/temporal-cli';
import { licenseTestEnv, type LicenseTestEnv } from './harness';
import { licenseSchedules } from '../src/schedules';

let env: LicenseTestEnv;
const scheduleId = LICENSE_SCHEDULES.deactivation.id;
const desired = () => licenseSchedules().find((s) => s.scheduleId === scheduleId)!;

beforeAll(async () => {
  env = await licenseTestEnv('schedules');
});
afterAll(() => env.close());

/** The Temporal CLI, pointed at this test's namespace. */
function cli(...args: string[]): string {
  return execFileSync(
    resolveTemporalCli(),
    [...args, '--address', env.ctx.temporal.address, '--namespace', env.ctx.temporal.namespace],
    { encoding: 'utf8' },
  );
}

describe('the daily license expiry schedule', () => {
  it('is created at 02:00 Asia/Kolkata with overlap SKIP', async () => {
    expect(await ensureSchedule(env.ctx.client, desired())).toBe('created');
    const description = await env.ctx.client.schedule.getHandle(scheduleId).describe();
    expect(description.spec.timezone).toBe('Asia/Kolkata');
    expect(description.spec.calendars).toEqual([
      expect.objectContaining({ hour: [{ start: 2, end: 2, step: 1 }], minute: [{ start: 0, end: 0, step: 1 }] }),
    ]);
    expect(description.policies.overlap).toBe(ScheduleOverlapPolicy.SKIP);
    expect(description.action).toMatchObject({ type: 'startWorkflow', workflowType: LICENSE_WORKFLOW_TYPES.deactivation, taskQueue: 'license' });
    // 02:00 in Kolkata is 20:30 UTC.
    const next = description.info.nextActionTimes[0]!;
    expect([next.getUTCHours(), next.getUTCMinutes()]).toEqual([20, 30]);
  });

  it('is left alone when ensured again unchanged, and updated once when its spec changes', async () => {
    expect(await ensureSchedule(env.ctx.client, desired())).toBe('unchanged');
    const changed = { ...desired(), spec: { ...desired().spec, calendars: [{ hour: 3, minute: 15 }] } };
    expect(await ensureSchedule(env.ctx.client, changed)).toBe('updated');
    expect(await ensureSchedule(env.ctx.client, changed)).toBe('unchanged');
    const description = await env.ctx.client.schedule.getHandle(scheduleId).describe();
    expect(description.spec.calendars?.[0]?.hour).toEqual([{ start: 3, end: 3, step: 1 }]);
    expect(await ensureSchedule(env.ctx.client, desired())).toBe('updated');
  });

  it('can be paused, resumed and triggered from the Temporal CLI, and a restart keeps the pause', async () => {
    cli('schedule', 'toggle', '--schedule-id', scheduleId, '--pause', '--reason', 'maintenance window');
    let description = await env.ctx.client.schedule.getHandle(scheduleId).describe();
    expect(description.state).toMatchObject({ paused: true, note: 'maintenance window' });
    expect(await ensureSchedule(env.ctx.client, desired())).toBe('unchanged');
    expect((await env.ctx.client.schedule.getHandle(scheduleId).describe()).state.paused).toBe(true);

    cli('schedule', 'toggle', '--schedule-id', scheduleId, '--unpause', '--reason', 'done');
    description = await env.ctx.client.schedule.getHandle(scheduleId).describe();
    expect(description.state.paused).toBe(false);

    await env.startWorker();
    cli('schedule', 'trigger', '--schedule-id', scheduleId);
    const run = await waitFor('the triggered run', async () => {
      const d = await env.ctx.client.schedule.getHandle(scheduleId).describe();
      return d.info.recentActions[0]?.action.workflow.workflowId;
    });
    expect(run.startsWith(SCHEDULED_DEACTIVATION_WORKFLOW_ID)).toBe(true);
    const summary = await env.ctx.client.workflow.getHandle(run).result();
    expect(summary).toMatchObject({ dryRun: false, agentsDeactivated: 0, failures: 0 });
    expect(summary.batchDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });
});
