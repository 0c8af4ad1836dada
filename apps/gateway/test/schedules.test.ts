import { LICENSE_WORKFLOWS_FILE, testGatewayConfig } from './gateway-config';
import { createLogger } from '@fleet/shared-observability';
import { DeclarationError, scheduleIdOf } from '@fleet/shared-schedules';
import { resolveTemporalCli } from '@fleet/tools-infra/temporal-cli';
import { startTemporalDevServer } from '@fleet/tools-infra/temporal-dev-server';
import { appNodeArgs, createTestContext, freePort, repoRoot, testEnv, waitFor, type ManagedProcess, type TestContext } from '@fleet/tools-infra/testing';
import { startLicenseWorkerProcess } from './license-worker-process';
import { ScheduleOverlapPolicy } from '@temporalio/client';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startGateway, type RunningGateway } from '../src/gateway';

const logger = createLogger('gateway', 'silent');
const expiryCheck = scheduleIdOf('license-worker', 'daily-license-expiry-check');
// The license worker's declarations only: other apps' workflows.yaml come and go with their own work.
const licenseFile = LICENSE_WORKFLOWS_FILE;
let ctx: TestContext;
let worker: ManagedProcess;

beforeAll(async () => {
  ctx = await createTestContext('gateway-schedules');
  worker = startLicenseWorkerProcess(ctx, 'gateway-schedules');
});
afterAll(async () => {
  await worker.stop();
  await ctx.close();
});

const gatewayConfig = (extra: Record<string, string> = {}) => testGatewayConfig(ctx, extra);

async function readyGateway(extra: Record<string, string> = {}): Promise<RunningGateway> {
  const gateway = await startGateway(gatewayConfig(extra), logger);
  await waitFor('the schedules reconciled', () => gateway.reconciler.state === 'ready', 30_000);
  return gateway;
}

function cli(...args: string[]): string {
  return execFileSync(resolveTemporalCli(), [...args, '--address', ctx.temporal.address, '--namespace', ctx.temporal.namespace], { encoding: 'utf8' });
}

describe('the license schedules declared in apps/license-worker/workflows.yaml', () => {
  it('are created at gateway start: 02:00 Asia/Kolkata, overlap SKIP, owned by Fleet', async () => {
    const gateway = await readyGateway();
    try {
      expect(gateway.reconciler.lastResult?.writes).toBe(2);
      const description = await ctx.client.schedule.getHandle(expiryCheck).describe();
      expect(description.spec.timezone).toBe('Asia/Kolkata');
      expect(description.spec.calendars).toEqual([expect.objectContaining({ hour: [{ start: 2, end: 2, step: 1 }], minute: [{ start: 0, end: 0, step: 1 }] })]);
      expect(description.policies.overlap).toBe(ScheduleOverlapPolicy.SKIP);
      expect(description.memo).toEqual({ fleetOwner: 'license-worker' });
      expect(description.action).toMatchObject({ type: 'startWorkflow', workflowType: 'licenseDeactivationWorkflow', taskQueue: 'license', args: [{ dryRun: false }] });
      // 02:00 in Kolkata is 20:30 UTC.
      const next = description.info.nextActionTimes[0]!;
      expect([next.getUTCHours(), next.getUTCMinutes()]).toEqual([20, 30]);
      const ready = await fetch(`http://127.0.0.1:${gateway.port}/readyz`);
      expect(await ready.json()).toEqual({ status: 'ready', schedules: { state: 'ready' } });
    } finally {
      await gateway.close();
    }
  });

  it('a restart with nothing changed writes nothing', async () => {
    const gateway = await readyGateway();
    try {
      expect(gateway.reconciler.lastResult?.writes).toBe(0);
      expect(gateway.reconciler.lastResult?.outcomes.map((o) => o.action)).toEqual(['unchanged', 'unchanged']);
    } finally {
      await gateway.close();
    }
  });

  it('pause and trigger work from the Temporal CLI; the next reconcile reports the pause as drift and reverts it', async () => {
    const gateway = await readyGateway();
    try {
      cli('schedule', 'toggle', '--schedule-id', expiryCheck, '--pause', '--reason', 'paused by an operator');
      expect((await ctx.client.schedule.getHandle(expiryCheck).describe()).state.paused).toBe(true);
      // A periodic pass checks from Temporal's listing, which follows within a second or so.
      await waitFor('the listing to show the pause', async () => {
        for await (const s of ctx.client.schedule.list({ query: `ScheduleId = '${expiryCheck}'` })) if (s.state.paused) return true;
        return false;
      });
      const result = await gateway.reconciler.reconcileNow({ keepOverrides: true });
      expect(result?.calls).toMatchObject({ list: 1, describe: 1, update: 1 });
      expect(result?.outcomes).toContainEqual(expect.objectContaining({ scheduleId: expiryCheck, action: 'update', reason: 'drift: paused outside Fleet', status: 'done' }));
      expect((await ctx.client.schedule.getHandle(expiryCheck).describe()).state.paused).toBe(false);

      cli('schedule', 'trigger', '--schedule-id', expiryCheck);
      const run = await waitFor('the triggered run', async () => (await ctx.client.schedule.getHandle(expiryCheck).describe()).info.recentActions[0]?.action.workflow.workflowId);
      expect(run.startsWith('daily-license-expiry-check')).toBe(true);
      expect(await ctx.client.workflow.getHandle(run).result()).toMatchObject({ dryRun: false, failures: 0 });
    } finally {
      await gateway.close();
    }
  });

  it('an invalid file stops the start, names file, path and reason, and changes nothing', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'fleet-decl-'));
    const bad = path.join(dir, 'workflows.yaml');
    writeFileSync(bad, 'project: license-worker\nworkflows:\n  - id: extra\n    type: licenseDeactivationWorkflow\n    task_queue: license\n    schedule: { cron: "0 2 * * *", timezone: Asia/Calcutta_Typo }\n');
    const before = await ctx.client.schedule.getHandle(expiryCheck).describe();
    let error: unknown;
    try {
      await startGateway(gatewayConfig({ SCHEDULE_FILES: `${licenseFile},${bad}` }), logger);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(DeclarationError);
    expect((error as DeclarationError).message).toBe(`${bad}:6: workflows[0].schedule.timezone: unknown IANA time zone`);
    await expect(ctx.client.schedule.getHandle(scheduleIdOf('license-worker', 'extra')).describe()).rejects.toThrow();
    expect((await ctx.client.schedule.getHandle(expiryCheck).describe()).info.createdAt).toEqual(before.info.createdAt);
  });

  it('the schedules CLI plans and applies the same reconcile', () => {
    const run = (...args: string[]) =>
      execFileSync(process.execPath, [...appNodeArgs(), path.join(repoRoot, 'apps/gateway/src/schedules/cli.ts'), ...args], {
        cwd: repoRoot,
        encoding: 'utf8',
        env: { ...process.env, TEMPORAL_ADDRESS: ctx.temporal.address, TEMPORAL_NAMESPACE: ctx.temporal.namespace },
      });
    const plan = run('plan', '--files', licenseFile);
    expect(plan).toContain('done     unchanged schedule-license-worker-daily-license-expiry-check  as declared\n');
    expect(plan).toMatch(/\nplanned: 2 schedules, 0 writes, \d+ ms\n$/);
    expect(run('list', '--files', licenseFile)).toMatch(/schedule-license-worker-daily-license-expiry-check\tlicense-worker\tactive\tnext /);
  });
});

describe('Temporal down at gateway start', () => {
  it('the gateway serves, reports retrying with the last error, and converges once Temporal is up', async () => {
    const port = await freePort();
    const gateway = await startGateway(testGatewayConfig({ temporal: { address: `127.0.0.1:${port}` } }), logger);
    let temporal: Awaited<ReturnType<typeof startTemporalDevServer>> | undefined;
    try {
      await waitFor('retrying', () => gateway.reconciler.state === 'retrying', 30_000);
      const ready = await fetch(`http://127.0.0.1:${gateway.port}/readyz`);
      expect(ready.status).toBe(503);
      expect(((await ready.json()) as { schedules: { state: string; lastError: string } }).schedules).toMatchObject({ state: 'retrying', lastError: expect.any(String) });

      temporal = await startTemporalDevServer({ port, logFile: path.join(testEnv('dir'), 'logs', 'late-temporal.log') });
      await waitFor('ready', () => gateway.reconciler.state === 'ready', 60_000);
      expect(gateway.reconciler.lastResult?.writes).toBe(2);
    } finally {
      await gateway.close();
      await temporal?.stop();
    }
  });
});
