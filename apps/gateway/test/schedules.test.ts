import { testGatewayConfig } from './gateway-config';
import { startLicenseWorkerProcess } from './license-worker-process';
import { createLogger } from '@fleet/shared-observability';
import { declarationHash, loadDeclarationSet, scheduleIdOf } from '@fleet/shared-schedules';
import { licenseDomain } from '@fleet/license-contracts';
import { resolveTemporalCli } from '@fleet/tools-infra/temporal-cli';
import { startTemporalDevServer } from '@fleet/tools-infra/temporal-dev-server';
import { appNodeArgs, createTestContext, freePort, repoRoot, testEnv, waitFor, type ManagedProcess, type TestContext } from '@fleet/tools-infra/testing';
import { ScheduleOverlapPolicy } from '@temporalio/client';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startGateway } from '../src/gateway';

// The license worker keeps the schedules its apps/license-worker/workflows.yaml declares: at its
// start, then periodically; it refuses to start on an invalid file. The gateway takes no part.
const logger = createLogger('gateway', 'silent');
const LICENSE_FILE = path.join(repoRoot, 'apps/license-worker/workflows.yaml');
const expiryCheck = scheduleIdOf('license-worker', 'daily-license-expiry-check');
let ctx: TestContext;
let runs = 0;

beforeAll(async () => {
  ctx = await createTestContext('gateway-schedules');
});
afterAll(() => ctx.close());

/** The license worker app as its own process on this test's namespace and database, reconciling its own workflows.yaml; `env` on top. */
function startWorker(env: Record<string, string> = {}): { process: ManagedProcess; log: () => string } {
  const worker = startLicenseWorkerProcess(ctx, `gateway-schedules-${++runs}`, {
    SCHEDULE_FILE: path.join(repoRoot, 'apps/license-worker/workflows.yaml'),
    LOG_LEVEL: 'info',
    ...env,
  });
  return { process: worker.process, log: () => readFileSync(worker.logFile, 'utf8') };
}

/** The worker's log line of a reconcile pass (pino JSON). */
const reconciled = (log: string) =>
  log
    .split('\n')
    .filter((l) => l.includes('"msg":"schedules reconciled'))
    .map((l) => JSON.parse(l) as { writes: number; schedules: number; calls: Record<string, number>; changes: string[] });

function cli(...args: string[]): string {
  return execFileSync(resolveTemporalCli(), [...args, '--address', ctx.temporal.address, '--namespace', ctx.temporal.namespace], { encoding: 'utf8' });
}

describe('the license worker keeps the schedules of apps/license-worker/workflows.yaml', () => {
  it('makes them at its start: 02:00 Asia/Kolkata, overlap SKIP, owned by Fleet, the declaration in the memo, the file named relative to the repository', async () => {
    const worker = startWorker();
    try {
      const pass = await waitFor('the start reconcile', () => reconciled(worker.log())[0], 60_000);
      expect(pass).toMatchObject({ schedules: 2, writes: 2 });
      const description = await ctx.client.schedule.getHandle(expiryCheck).describe();
      expect(description.spec.timezone).toBe('Asia/Kolkata');
      expect(description.spec.calendars).toEqual([expect.objectContaining({ hour: [{ start: 2, end: 2, step: 1 }], minute: [{ start: 0, end: 0, step: 1 }] })]);
      expect(description.policies.overlap).toBe(ScheduleOverlapPolicy.SKIP);
      expect(description.action).toMatchObject({ type: 'startWorkflow', workflowType: 'licenseDeactivationWorkflow', taskQueue: 'license', args: [{ dryRun: false }] });
      const declared = loadDeclarationSet([LICENSE_FILE], licenseDomain.inputSchemas).declarations[0]!;
      expect(description.memo).toEqual({
        fleetOwner: 'license-worker',
        fleetDeclaration: {
          v: 1,
          hash: declarationHash(declared),
          file: 'apps/license-worker/workflows.yaml',
          project: 'license-worker',
          workflowId: 'daily-license-expiry-check',
          type: 'licenseDeactivationWorkflow',
          taskQueue: 'license',
          cron: '0 2 * * *',
          timezone: 'Asia/Kolkata',
          enabled: true,
          overlapPolicy: 'skip',
          catchupWindowMs: 86_400_000,
          pauseOnFailure: false,
          input: { dryRun: false },
        },
      });
      expect(description.state.note).toBe(`managed by Fleet from apps/license-worker/workflows.yaml (declaration ${declarationHash(declared)})`);
      // 02:00 in Kolkata is 20:30 UTC.
      const next = description.info.nextActionTimes[0]!;
      expect([next.getUTCHours(), next.getUTCMinutes()]).toEqual([20, 30]);
    } finally {
      await worker.process.stop();
    }
  });

  it('a restart with nothing changed writes nothing', async () => {
    const worker = startWorker();
    try {
      const pass = await waitFor('the start reconcile', () => reconciled(worker.log())[0], 60_000);
      expect(pass).toMatchObject({ schedules: 2, writes: 0, changes: [] });
    } finally {
      await worker.process.stop();
    }
  });

  it('a pause from the Temporal CLI is drift: the periodic reconcile reverts it; a trigger from the CLI runs on the worker', async () => {
    const worker = startWorker({ SCHEDULE_RECONCILE_INTERVAL_MS: '500' });
    try {
      await waitFor('the start reconcile', () => reconciled(worker.log())[0], 60_000);
      cli('schedule', 'toggle', '--schedule-id', expiryCheck, '--pause', '--reason', 'paused by an operator');
      expect((await ctx.client.schedule.getHandle(expiryCheck).describe()).state.paused).toBe(true);
      // A periodic pass checks from Temporal's listing, which shows the pause within a second or so, then describes it.
      await waitFor('the pause reverted', async () => !(await ctx.client.schedule.getHandle(expiryCheck).describe()).state.paused, 30_000);
      // The pass logs once it has finished, a moment after the unpause lands: wait for its line.
      const drift = `update ${expiryCheck} (done): drift: paused outside Fleet`;
      await waitFor('the pass that reverted it, in the log', () => reconciled(worker.log()).some((p) => p.changes.includes(drift)), 10_000);

      cli('schedule', 'trigger', '--schedule-id', expiryCheck);
      const run = await waitFor('the triggered run', async () => (await ctx.client.schedule.getHandle(expiryCheck).describe()).info.recentActions[0]?.action.workflow.workflowId);
      expect(run.startsWith('daily-license-expiry-check')).toBe(true);
      expect(await ctx.client.workflow.getHandle(run).result()).toMatchObject({ dryRun: false, failures: 0 });
    } finally {
      await worker.process.stop();
    }
  });

  it('an invalid file: the worker does not start (exit 1), says file:line: path: reason, and nothing changes', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'fleet-decl-'));
    const bad = path.join(dir, 'workflows.yaml');
    writeFileSync(
      bad,
      readFileSync(LICENSE_FILE, 'utf8') +
        '  - id: extra\n    type: licenseDeactivationWorkflow\n    task_queue: license\n    schedule: { cron: "0 2 * * *", timezone: Asia/Calcutta_Typo }\n',
    );
    const lastLine = readFileSync(bad, 'utf8').trimEnd().split('\n').length;
    const before = await ctx.client.schedule.getHandle(expiryCheck).describe();
    const worker = startWorker({ SCHEDULE_FILE: bad });
    expect(await worker.process.exited).toBe(1);
    const log = worker.log();
    expect(log).toContain(`${bad}:${lastLine}: workflows[3].schedule.timezone: unknown IANA time zone`);
    expect(log).toContain('invalid schedule declarations: the worker does not start, and nothing changes');
    await expect(ctx.client.schedule.getHandle(scheduleIdOf('license-worker', 'extra')).describe()).rejects.toThrow();
    const after = await ctx.client.schedule.getHandle(expiryCheck).describe();
    expect(after.info.createdAt).toEqual(before.info.createdAt);
    expect(after.state.note).toBe(before.state.note);
  });

  it('npm run schedules plans, applies and lists the same reconcile, each file checked with the manifest of its project', () => {
    const run = (...args: string[]) =>
      spawnSync(process.execPath, [...appNodeArgs(), path.join(repoRoot, 'libs/shared/worker/src/cli/schedules.ts'), ...args], {
        cwd: repoRoot,
        encoding: 'utf8',
        env: { ...process.env, TEMPORAL_ADDRESS: ctx.temporal.address, TEMPORAL_NAMESPACE: ctx.temporal.namespace },
      });
    const plan = run('plan', '--files', LICENSE_FILE);
    expect(plan.stdout).toContain(`done     unchanged ${expiryCheck}  as declared\n`);
    expect(plan.stdout).toMatch(/\nplanned: 2 schedules, 0 writes, \d+ ms\n$/);
    // By default every apps/<app>/workflows.yaml: the vsync worker's schedule and the campaign worker's two are not in this namespace yet.
    const all = run('plan', '--verify', 'describe');
    expect(all.stdout).toContain('planned  create    schedule-vsync-worker-daily-vsync-verification  declared, not in Temporal\n');
    expect(all.stdout).toMatch(/\nplanned: 5 schedules, 0 writes, \d+ ms\n$/);
    expect(run('list', '--files', LICENSE_FILE).stdout).toMatch(new RegExp(`${expiryCheck}\tlicense-worker\tactive\tnext \\S+\tapps/license-worker/workflows.yaml\n`));
    // A file naming a project no domain has: refused, nothing changed.
    const dir = mkdtempSync(path.join(tmpdir(), 'fleet-decl-'));
    writeFileSync(path.join(dir, 'workflows.yaml'), 'project: billing-worker\nworkflows: []\n');
    const refused = run('apply', '--files', `${LICENSE_FILE},${path.join(dir, 'workflows.yaml')}`);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toBe(`invalid schedule declarations (nothing changed):\n${path.join(dir, 'workflows.yaml')}: project: no domain's manifest (defineDomain) has project billing-worker\n`);
  });
});

describe('Temporal down at gateway start', () => {
  it('the gateway serves, says it is not ready, and answers once Temporal is up', async () => {
    const port = await freePort();
    const gateway = await startGateway(testGatewayConfig({ temporal: { address: `127.0.0.1:${port}` } }, { GATEWAY_API_KEYS: 'r=read-key-1:workflow.schedule:read' }), logger);
    let temporal: Awaited<ReturnType<typeof startTemporalDevServer>> | undefined;
    try {
      const ready = await fetch(`http://127.0.0.1:${gateway.port}/readyz`);
      expect(ready.status).toBe(503);
      const list = () => fetch(`http://127.0.0.1:${gateway.port}/api/v0/schedules`, { headers: { authorization: 'Bearer read-key-1' } });
      expect((await list()).status).toBe(503);

      temporal = await startTemporalDevServer({ port, logFile: path.join(testEnv('dir'), 'logs', 'late-temporal.log') });
      await waitFor('ready', async () => (await fetch(`http://127.0.0.1:${gateway.port}/readyz`)).ok, 60_000);
      const listed = await list();
      expect(listed.status).toBe(200);
      expect(await listed.json()).toEqual({ schedules: [] });
    } finally {
      await gateway.close();
      await temporal?.stop();
    }
  });
});
