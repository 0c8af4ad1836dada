import { testGatewayConfig } from './gateway-config';
import { checkedFetch } from './conformance';
import { licenseDomain } from '@fleet/license-contracts';
import { createDb } from '@fleet/shared-db';
import { createLogger } from '@fleet/shared-observability';
import { loadWorkerConfig, loadWorkerDeclarations, startWorkerSchedules, type WorkerSchedules } from '@fleet/shared-worker';
import { createTestContext, repoRoot, waitFor, workerTestEnv, type TestContext } from '@fleet/tools-infra/testing';
import { vsyncDomain } from '@fleet/vsync-contracts';
import type { Client } from '@temporalio/client';
import express from 'express';
import jwt from 'jsonwebtoken';
import type { Kysely } from 'kysely';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Registry } from 'prom-client';
import { SCOPES } from '../src/auth';
import { loadConfig } from '../src/config';
import { startGateway, type RunningGateway } from '../src/gateway';
import { scheduleRoutes } from '../src/routes/schedules';

// The schedules API works from Temporal alone: the schedules here are made by the workers' own
// reconcile (the code every worker runs at its start), one of them from a file deleted before the
// gateway starts. The gateway is given no file, no domain schema and no database.
const logger = createLogger('gateway', 'silent');
const SECRET = 'a-test-secret-of-32-characters!!';
const READ = 'r-key-123';
const WRITE = 'w-key-456';
let ctx: TestContext;
let db: Kysely<unknown>;
let license: WorkerSchedules & { close(): Promise<void> };
let gateway: RunningGateway;
let base: string;
let vsyncFile: string;

/** A worker's start pass, as startDomainWorker runs it: its file checked with its manifest, under its project's lock. */
const workerSchedules = (file: string, manifest: typeof licenseDomain | typeof vsyncDomain) =>
  startWorkerSchedules({
    declared: loadWorkerDeclarations(file, manifest),
    project: manifest.project,
    config: loadWorkerConfig({}, { ...workerTestEnv(ctx), SCHEDULE_RECONCILE_INTERVAL_MS: '0' }),
    db,
    logger,
  });

beforeAll(async () => {
  ctx = await createTestContext('schedules-api');
  db = createDb(ctx.databaseUrl);
  license = await workerSchedules(path.join(repoRoot, 'apps/license-worker/workflows.yaml'), licenseDomain);
  // The vsync worker's schedules, from a file that is gone when the gateway starts. It also
  // schedules a workflow id the license worker uses: two projects, one id.
  const dir = mkdtempSync(path.join(tmpdir(), 'fleet-vsync-'));
  vsyncFile = path.join(dir, 'workflows.yaml');
  writeFileSync(
    vsyncFile,
    readFileSync(path.join(repoRoot, 'apps/vsync-worker/workflows.yaml'), 'utf8') +
      '  - id: daily-license-expiry-check\n    type: vsyncVerificationWorkflow\n    task_queue: vsync\n    schedule: { cron: "0 4 * * *", timezone: America/Sao_Paulo, input: { reconcile: false } }\n',
  );
  const vsync = await workerSchedules(vsyncFile, vsyncDomain);
  expect(vsync.lastResult?.writes).toBe(2);
  await vsync.close();
  rmSync(dir, { recursive: true });

  gateway = await startGateway(
    testGatewayConfig(ctx, {
      GATEWAY_API_KEYS: `reader=${READ}:workflow.schedule:read,writer=${WRITE}:workflow.schedule:read workflow.schedule:write`,
      GATEWAY_JWT_SECRET: SECRET,
    }),
    logger,
  );
  base = `http://127.0.0.1:${gateway.port}/api/v0`;
});
afterAll(async () => {
  await gateway.close();
  await license.close();
  await db.destroy();
  await ctx.close();
});

/** A request whose answer is checked against the OpenAPI document. */
const call = (method: string, path_: string, token?: string, body?: unknown) =>
  checkedFetch(`${base}${path_}`, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });

describe('authentication and scopes', () => {
  it('401 without a token or with a bad one, 403 without the scope', async () => {
    const none = await call('GET', '/schedules');
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect(none.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect((await call('GET', '/schedules', 'nope')).status).toBe(401);
    const forbidden = await call('PUT', '/schedules/daily-license-renewal-reminders', READ, { enabled: false });
    expect(forbidden.status).toBe(403);
    expect(forbidden.body.detail).toBe('this needs the scope workflow.schedule:write');
  });

  it('accepts a JWT carrying the scope', async () => {
    const token = jwt.sign({ sub: 'ops', scope: 'workflow.schedule:read' }, SECRET, { expiresIn: '5m' });
    expect((await call('GET', '/schedules/daily-license-renewal-reminders', token)).status).toBe(200);
  });
});

describe('reading, from Temporal alone', () => {
  it('lists every schedule Fleet keeps, of every project, with its declaration (camelCase), state and next run', async () => {
    const res = await call('GET', '/schedules', READ);
    expect(res.status).toBe(200);
    const { schedules } = res.body as { schedules: Record<string, unknown>[] };
    expect(schedules.map((s) => `${String(s.project)}/${String(s.workflowId)}`)).toEqual([
      'license-worker/daily-license-expiry-check',
      'license-worker/daily-license-renewal-reminders',
      'vsync-worker/daily-license-expiry-check',
      'vsync-worker/daily-vsync-verification',
    ]);
    expect(schedules[0]).toEqual({
      workflowId: 'daily-license-expiry-check',
      scheduleId: 'schedule-license-worker-daily-license-expiry-check',
      project: 'license-worker',
      cron: '0 2 * * *',
      timezone: 'Asia/Kolkata',
      enabled: true,
      isOverride: false,
      config: {
        file: 'apps/license-worker/workflows.yaml',
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
      nextRunTime: expect.stringMatching(/T20:30:00\.000Z$/),
      lastRunTime: null,
    });
    // Declared by a file that no longer exists anywhere: the schedule's memo is what the API shows.
    expect(existsSync(vsyncFile)).toBe(false);
    expect(schedules[3]).toMatchObject({
      workflowId: 'daily-vsync-verification',
      cron: '0 3 * * *',
      timezone: 'America/Sao_Paulo',
      config: { file: vsyncFile, type: 'vsyncVerificationWorkflow', taskQueue: 'vsync', overlapPolicy: 'skip', catchupWindowMs: 21_600_000 },
      nextRunTime: expect.stringMatching(/T06:00:00\.000Z$/),
    });
  });

  it('one schedule, with its last run status; a workflow id two projects schedule needs ?project=', async () => {
    expect((await call('GET', '/schedules/daily-license-renewal-reminders', READ)).body).toMatchObject({ project: 'license-worker', lastRunTime: null, lastRunStatus: null });
    const ambiguous = await call('GET', '/schedules/daily-license-expiry-check', READ);
    expect(ambiguous.status).toBe(409);
    expect(ambiguous.body.detail).toBe('daily-license-expiry-check is scheduled by license-worker and vsync-worker: add ?project=');
    expect((await call('GET', '/schedules/daily-license-expiry-check?project=vsync-worker', READ)).body).toMatchObject({
      scheduleId: 'schedule-vsync-worker-daily-license-expiry-check',
      config: { type: 'vsyncVerificationWorkflow', input: { reconcile: false } },
    });
  });

  it('answers from the listing when the description stalls', async () => {
    // A client whose schedule descriptions never answer, as a query held on a sticky queue.
    const schedule = Object.create(ctx.client.schedule, {
      getHandle: { value: (id: string) => ({ ...ctx.client.schedule.getHandle(id), describe: () => new Promise(() => undefined) }) },
    }) as Client['schedule'];
    const stalled = Object.create(ctx.client, { schedule: { value: schedule } }) as Client;
    const app = express();
    app.use((_req, res, next) => {
      res.locals.principal = { id: 'test', scopes: new Set([SCOPES.scheduleRead]) };
      next();
    });
    app.use('/api/v0', scheduleRoutes(stalled, new Registry(), 5000, 50));
    const server = app.listen(0);
    try {
      const { port } = server.address() as AddressInfo;
      const started = Date.now();
      const res = await fetch(`http://127.0.0.1:${port}/api/v0/schedules/daily-license-renewal-reminders`);
      expect(res.status).toBe(200);
      expect(Date.now() - started).toBeLessThan(2000);
      expect(res.headers.get('fleet-schedule-source')).toBe('visibility');
      expect(await res.json()).toMatchObject({ workflowId: 'daily-license-renewal-reminders', enabled: true, nextRunTime: expect.stringMatching(/T03:30:00\.000Z$/) });
    } finally {
      server.close();
    }
  });

  it('reads a schedule it just wrote from its description, never from a listing that does not show the write yet', async () => {
    // Descriptions answer after 300 ms: past the hedge, so an unwritten schedule would be read from the listing.
    const schedule = Object.create(ctx.client.schedule, {
      getHandle: {
        value: (id: string) => {
          const real = ctx.client.schedule.getHandle(id);
          return Object.assign(Object.create(real) as typeof real, { describe: () => new Promise((r) => setTimeout(r, 300)).then(() => real.describe()) });
        },
      },
    }) as Client['schedule'];
    // The listing answers as it did before the write while `lagging` is set: a visibility store behind.
    let lagging: unknown;
    const workflowService = Object.create(ctx.client.workflowService, {
      listSchedules: {
        value: async (request: Parameters<Client['workflowService']['listSchedules']>[0]) => {
          const answer = await ctx.client.workflowService.listSchedules(request);
          return lagging ?? answer;
        },
      },
    }) as Client['workflowService'];
    const slow = Object.create(ctx.client, { schedule: { value: schedule }, workflowService: { value: workflowService } }) as Client;
    const app = express();
    app.use(express.json());
    app.use((_req, res, next) => {
      res.locals.principal = { id: 'test', scopes: new Set([SCOPES.scheduleRead, SCOPES.scheduleWrite]) };
      next();
    });
    app.use('/api/v0', scheduleRoutes(slow, new Registry(), 5000, 25));
    const server = app.listen(0);
    const url = () => `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v0/schedules/daily-license-expiry-check?project=vsync-worker`;
    const put = (enabled: boolean) => fetch(url(), { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ enabled }) });
    try {
      const before = await fetch(url());
      expect(before.headers.get('fleet-schedule-source')).toBe('visibility');
      lagging = await ctx.client.workflowService.listSchedules({ namespace: ctx.client.options.namespace, query: "ScheduleId = 'schedule-vsync-worker-daily-license-expiry-check'" });
      expect((await put(false)).status).toBe(200);
      const after = await fetch(url());
      expect(after.headers.get('fleet-schedule-source')).toBeNull();
      expect(await after.json()).toMatchObject({ enabled: false, isOverride: true });
      // Once the listing shows the write (its note), it may answer again.
      lagging = undefined;
      await waitFor('the listing to show the write', async () => (await fetch(url())).headers.get('fleet-schedule-source') === 'visibility');
      expect(await (await fetch(url())).json()).toMatchObject({ enabled: false, isOverride: true });
    } finally {
      await put(true);
      server.close();
    }
  });

  it('404 for a workflow no schedule starts', async () => {
    const res = await call('GET', '/schedules/license-renewal', READ);
    expect(res.status).toBe(404);
    expect(res.body.detail).toBe("no schedule of Fleet's starts workflow license-renewal");
    // With a project, the schedule is looked up by its id: one Temporal refuses (too long) names none either.
    expect((await call('GET', `/schedules/${'x'.repeat(2000)}?project=license-worker`, READ)).status).toBe(404);
    expect((await call('POST', '/schedules/license-renewal/trigger?project=license-worker', WRITE)).status).toBe(404);
  });

  it('exposes schedule metrics', async () => {
    await call('GET', '/schedules', READ);
    const metrics = await (await fetch(`http://127.0.0.1:${gateway.port}/metrics`)).text();
    expect(metrics).toMatch(/gateway_scheduled_workflows\{status="active",app="gateway"\} 4/);
    expect(metrics).toMatch(/gateway_schedule_operations_total\{operation="list",status="ok",app="gateway"\} [1-9]/);
  });

  it('serves the schedules operations in its OpenAPI 3.1 document', async () => {
    const doc = (await call('GET', '/openapi.json', READ)).body as { openapi: string; paths: Record<string, unknown>; components: { schemas: Record<string, { properties?: object }> } };
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/api/v0/schedules', '/api/v0/schedules/{workflowId}', '/api/v0/schedules/{workflowId}/backfill']));
    expect(Object.keys(doc.components.schemas.Schedule?.properties ?? {})).toEqual(['workflowId', 'scheduleId', 'project', 'cron', 'timezone', 'config', 'enabled', 'isOverride', 'nextRunTime', 'lastRunTime']);
  });
});

describe('writing', () => {
  const id = 'daily-license-renewal-reminders';
  const scheduleId = `schedule-license-worker-${id}`;

  it("an override disables until the worker's next start; its periodic reconcile keeps it (from the listing), its start reverts it", async () => {
    const res = await call('PUT', `/schedules/${id}`, WRITE, { enabled: false });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ workflowId: id, project: 'license-worker', enabled: false, isOverride: true, config: { enabled: true } });
    expect((await call('GET', `/schedules/${id}`, READ)).body).toMatchObject({ enabled: false, isOverride: true });
    // The override note ends with the declaration's hash: once the listing shows it, a periodic pass vouches for it with no describe.
    await waitFor('the listing to show the override', async () => {
      for await (const s of ctx.client.schedule.list({ query: `ScheduleId = '${scheduleId}'` })) if (s.state.paused) return true;
      return false;
    });
    const periodic = await license.reconcileNow({ keepOverrides: true });
    expect(periodic?.writes).toBe(0);
    expect(periodic?.calls.describe).toBe(0);
    expect(periodic?.outcomes).toContainEqual(expect.objectContaining({ scheduleId, action: 'unchanged', reason: 'as declared (an API override is in force)' }));
    expect((await call('GET', `/schedules/${id}`, READ)).body).toMatchObject({ enabled: false, isOverride: true });
    const reload = await license.reconcileNow({ keepOverrides: false });
    expect(reload?.outcomes).toContainEqual(expect.objectContaining({ scheduleId, action: 'update', reason: 'drift: paused outside Fleet' }));
    expect((await call('GET', `/schedules/${id}`, READ)).body).toMatchObject({ enabled: true, isOverride: false });
  });

  it('validates bodies against the OpenAPI document', async () => {
    const bad = await call('PUT', `/schedules/${id}`, WRITE, { enabled: 'no', colour: 'blue' });
    expect(bad.status).toBe(400);
    expect(bad.body.errors).toEqual(expect.arrayContaining([{ field: 'enabled', message: 'must be boolean' }, { field: 'colour', message: 'unknown field' }]));
    const backwards = await call('POST', `/schedules/${id}/backfill`, WRITE, { start: '2026-02-01T00:00:00Z', end: '2026-01-01T00:00:00Z' });
    expect(backwards.status).toBe(400);
    const notDate = await call('POST', `/schedules/${id}/backfill`, WRITE, { start: 'yesterday', end: '2026-01-01T00:00:00Z' });
    expect(notDate.body.errors).toEqual([{ field: 'start', message: 'must match format "date-time"' }]);
  });

  it('triggers and backfills', async () => {
    expect((await call('POST', `/schedules/${id}/trigger`, WRITE)).body).toEqual({ triggered: scheduleId });
    await waitFor('the triggered run', async () => (await ctx.client.schedule.getHandle(scheduleId).describe()).info.recentActions.length > 0);
    const backfill = await call('POST', `/schedules/${id}/backfill`, WRITE, { start: '2026-01-01T00:00:00Z', end: '2026-01-03T00:00:00Z' });
    expect(backfill.status).toBe(202);
    const view = (await call('GET', `/schedules/${id}`, READ)).body;
    expect(view.lastRunTime).toEqual(expect.any(String));
    expect(['RUNNING', 'COMPLETED', 'FAILED', 'TIMED_OUT', 'TERMINATED']).toContain(view.lastRunStatus);
  });

  it("deletes; the worker's next start makes it again while it is declared", async () => {
    expect((await call('DELETE', `/schedules/${id}`, WRITE)).status).toBe(204);
    expect((await call('GET', `/schedules/${id}`, READ)).status).toBe(404);
    const missing = await call('PUT', `/schedules/${id}?project=license-worker`, WRITE, { enabled: false });
    expect(missing.status).toBe(404);
    const reload = await license.reconcileNow({ keepOverrides: false });
    expect(reload?.outcomes).toContainEqual(expect.objectContaining({ scheduleId, action: 'create', status: 'done' }));
    // With ?project= the schedule is found by its id at once, before any listing shows it.
    expect((await call('GET', `/schedules/${id}?project=license-worker`, READ)).body).toMatchObject({ scheduleId, enabled: true });
  });
});

describe('backfill', () => {
  // A daily schedule (03:00 in São Paulo, 06:00Z) declared `overlap_policy: skip`, on a task queue
  // nobody polls here: its runs keep running until the test ends them.
  const id = 'daily-vsync-verification';
  const scheduleId = `schedule-vsync-worker-${id}`;
  const window = { start: '2026-11-28T00:00:00Z', end: '2026-11-30T23:59:59Z' };
  const info = async () => (await ctx.client.schedule.getHandle(scheduleId).describe()).info;

  it('runs every time in the window, one after another, whatever the schedule declares; the answer counts them', async () => {
    const res = await call('POST', `/schedules/${id}/backfill`, WRITE, window);
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ scheduleId, ...window, overlapPolicy: 'buffer_all', runsInWindow: 3, started: 1, buffered: 2, skipped: 0, pending: 0 });
    expect(res.body.reason).toBe('1 started; 2 waiting: each starts when the run before it ends (buffer_all)');
    // Each run ended (terminated here: no worker polls its queue) starts the next: all three run.
    await waitFor('the three backfilled runs', async () => {
      const { numActionsTaken, runningActions } = await info();
      if (numActionsTaken >= 3) return true;
      for (const r of runningActions) await ctx.client.workflow.getHandle(r.workflow.workflowId, r.workflow.firstExecutionRunId).terminate('next one');
      return false;
    });
    const after = await info();
    expect(after.numActionsTaken).toBe(3);
    expect(after.numActionsSkippedOverlap).toBe(0);
    expect(after.recentActions.map((a) => a.scheduledAt.toISOString())).toEqual(['2026-11-28T06:00:00.000Z', '2026-11-29T06:00:00.000Z', '2026-11-30T06:00:00.000Z']);
  });

  it('takes the overlap policy the request names, and says what it skipped and why', async () => {
    // The third run still runs: with skip, every time of the window is skipped.
    expect((await info()).runningActions).toHaveLength(1);
    const res = await call('POST', `/schedules/${id}/backfill`, WRITE, { ...window, overlapPolicy: 'skip' });
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ overlapPolicy: 'skip', runsInWindow: 3, started: 0, buffered: 0, skipped: 3, pending: 0 });
    expect(res.body.reason).toBe('3 skipped: a run of this schedule was still running (skip skips a time while one runs)');
    expect((await info()).numActionsSkippedOverlap).toBe(3);
  });

  it('refuses an unknown policy and a window too large, naming the field; a window holding no run starts none', async () => {
    const policy = await call('POST', `/schedules/${id}/backfill`, WRITE, { ...window, overlapPolicy: 'sometimes' });
    expect(policy.status).toBe(400);
    expect(policy.body.errors).toEqual([{ field: 'overlapPolicy', message: expect.stringMatching(/allowed values|skip/) }]);
    const ages = await call('POST', `/schedules/${id}/backfill`, WRITE, { start: '0001-01-01T00:00:00Z', end: '9999-12-31T23:59:59Z' });
    expect(ages.status).toBe(400);
    expect(ages.body.errors).toEqual([{ field: 'end', message: 'the window is longer than 366 days: split it' }]);
    const empty = await call('POST', `/schedules/${id}/backfill`, WRITE, { start: '2026-01-01T07:00:00Z', end: '2026-01-01T08:00:00Z' });
    expect(empty.body).toMatchObject({ runsInWindow: 0, started: 0, reason: 'no time of the schedule falls in the window' });
  });
});

describe('rate limit', () => {
  it('answers 429 past the limit per client, with standard headers', async () => {
    const limited = await startGateway(
      testGatewayConfig(ctx, {
        GATEWAY_API_KEYS: `a=key-a-123:workflow.schedule:read,b=key-b-123:workflow.schedule:read`,
        GATEWAY_RATE_LIMIT_PER_MINUTE: '3',
      }),
      logger,
    );
    try {
      const url = `http://127.0.0.1:${limited.port}/api/v0/schedules/daily-license-renewal-reminders`;
      const get = (key: string) => fetch(url, { headers: { authorization: `Bearer ${key}` } });
      const first = await get('key-a-123');
      expect(first.headers.get('ratelimit-policy')).toBe('3;w=60');
      await get('key-a-123');
      await get('key-a-123');
      const over = await get('key-a-123');
      expect(over.status).toBe(429);
      expect(over.headers.get('content-type')).toMatch(/application\/problem\+json/);
      expect((await get('key-b-123')).status).toBe(200);
    } finally {
      await limited.close();
    }
  });

  it('is 100 a minute by default, and the gateway reads no schedule variable', () => {
    const config = loadConfig({});
    expect(config.GATEWAY_RATE_LIMIT_PER_MINUTE).toBe(100);
    expect(Object.keys(config).filter((k) => /SCHEDULE|DATABASE/.test(k))).toEqual([]);
  });
});
