import { LICENSE_WORKFLOWS_FILE, testGatewayConfig } from './gateway-config';
import { createLogger } from '@fleet/shared-observability';
import { createTestContext, waitFor, type TestContext } from '@fleet/tools-infra/testing';
import type { Client } from '@temporalio/client';
import express from 'express';
import type { AddressInfo } from 'node:net';
import { Registry } from 'prom-client';
import { SCOPES } from '../src/auth';
import { scheduleRoutes } from '../src/routes/schedules';
import { loadDeclared } from '../src/schedules/declared';
import jwt from 'jsonwebtoken';
import { loadConfig } from '../src/config';
import { startGateway, type RunningGateway } from '../src/gateway';

const logger = createLogger('gateway', 'silent');
// The license worker's declarations only: other apps' workflows.yaml come and go with their own work.
const licenseFile = LICENSE_WORKFLOWS_FILE;
const SECRET = 'a-test-secret-of-32-characters!!';
const READ = 'r-key-123';
const WRITE = 'w-key-456';
let ctx: TestContext;
let gateway: RunningGateway;
let base: string;

beforeAll(async () => {
  ctx = await createTestContext('schedules-api');
  gateway = await startGateway(
    testGatewayConfig(ctx, {
      GATEWAY_API_KEYS: `reader=${READ}:workflow.schedule:read,writer=${WRITE}:workflow.schedule:read workflow.schedule:write`,
      GATEWAY_JWT_SECRET: SECRET,
    }),
    logger,
  );
  base = `http://127.0.0.1:${gateway.port}/api/v0`;
  await waitFor('ready', () => gateway.reconciler.state === 'ready', 30_000);
});
afterAll(async () => {
  await gateway.close();
  await ctx.close();
});

const call = (method: string, path: string, token?: string, body?: unknown) =>
  fetch(`${base}${path}`, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
const json = async (res: Response) => (await res.json()) as Record<string, unknown>;

describe('authentication and scopes', () => {
  it('401 without a token or with a bad one, 403 without the scope', async () => {
    const none = await call('GET', '/schedules');
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect(none.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect((await call('GET', '/schedules', 'nope')).status).toBe(401);
    expect((await call('GET', '/schedules', jwt.sign({ sub: 'x', scope: 'workflow.schedule:read' }, 'another-secret-of-enough-length'))).status).toBe(401);
    const forbidden = await call('PUT', '/schedules/daily-license-expiry-check', READ, { enabled: false });
    expect(forbidden.status).toBe(403);
    expect((await json(forbidden)).detail).toBe('this needs the scope workflow.schedule:write');
  });

  it('accepts a JWT carrying the scope', async () => {
    const token = jwt.sign({ sub: 'ops', scope: 'workflow.schedule:read' }, SECRET, { expiresIn: '5m' });
    expect((await call('GET', '/schedules/daily-license-expiry-check', token)).status).toBe(200);
  });
});

describe('reading', () => {
  it('lists every declared schedule with its config, state and next run', async () => {
    const res = await call('GET', '/schedules', READ);
    expect(res.status).toBe(200);
    const { schedules } = (await res.json()) as { schedules: Record<string, unknown>[] };
    expect(schedules.map((s) => s.workflow_id)).toEqual(['daily-license-expiry-check', 'daily-license-renewal-reminders']);
    expect(schedules[0]).toMatchObject({
      schedule_id: 'schedule-license-worker-daily-license-expiry-check',
      project: 'license-worker',
      cron: '0 2 * * *',
      timezone: 'Asia/Kolkata',
      enabled: true,
      is_override: false,
      config: { type: 'licenseDeactivationWorkflow', task_queue: 'license', overlap_policy: 'skip', input: { dryRun: false } },
      next_run_time: expect.stringMatching(/T20:30:00\.000Z$/),
      last_run_time: null,
    });
    expect(await json(await call('GET', '/schedules/daily-license-expiry-check', READ))).toMatchObject({ last_run_time: null, last_run_status: null });
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
    app.use('/api/v0', scheduleRoutes(stalled, loadDeclared([licenseFile]), new Registry(), 5000, 50));
    const server = app.listen(0);
    try {
      const { port } = server.address() as AddressInfo;
      const started = Date.now();
      const res = await fetch(`http://127.0.0.1:${port}/api/v0/schedules/daily-license-expiry-check`);
      expect(res.status).toBe(200);
      expect(Date.now() - started).toBeLessThan(2000);
      expect(res.headers.get('fleet-schedule-source')).toBe('visibility');
      expect(await json(res)).toMatchObject({ workflow_id: 'daily-license-expiry-check', exists: true, enabled: true, next_run_time: expect.stringMatching(/T20:30:00\.000Z$/) });
    } finally {
      server.close();
    }
  });

  it('404 for a workflow with no schedule declared', async () => {
    expect((await call('GET', '/schedules/license-renewal', READ)).status).toBe(404);
  });

  it('exposes schedule metrics', async () => {
    const metrics = await (await fetch(`http://127.0.0.1:${gateway.port}/metrics`)).text();
    expect(metrics).toMatch(/gateway_scheduled_workflows\{status="active",app="gateway"\} 2/);
    expect(metrics).toMatch(/gateway_schedule_reconcile_duration_seconds_count\{app="gateway"\} [1-9]/);
    expect(metrics).toMatch(/gateway_schedule_operations_total\{operation="list",status="ok",app="gateway"\} [1-9]/);
    expect(metrics).toContain('gateway_schedule_reconciles_in_flight');
  });

  it('serves its OpenAPI 3.1 document', async () => {
    const doc = await json(await fetch(`${base}/openapi.json`));
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths as object)).toContain('/api/v0/schedules/{workflowId}/backfill');
  });
});

describe('writing', () => {
  const id = 'daily-license-renewal-reminders';

  it('an override disables until the next reload; a periodic reconcile keeps it, a reload reverts it', async () => {
    const res = await call('PUT', `/schedules/${id}`, WRITE, { enabled: false });
    expect(res.status).toBe(200);
    expect(await json(res)).toMatchObject({ workflow_id: id, exists: true, enabled: false, is_override: true });
    expect(await json(await call('GET', `/schedules/${id}`, READ))).toMatchObject({ enabled: false, is_override: true });
    const periodic = await gateway.reconciler.reconcileNow({ keepOverrides: true });
    expect(periodic?.writes).toBe(0);
    expect(periodic?.outcomes).toContainEqual(expect.objectContaining({ action: 'unchanged', reason: 'as declared (an API override is in force)' }));
    expect(await json(await call('GET', `/schedules/${id}`, READ))).toMatchObject({ enabled: false, is_override: true });
    const reload = await gateway.reconciler.reconcileNow({ keepOverrides: false });
    expect(reload?.outcomes).toContainEqual(expect.objectContaining({ action: 'update', reason: 'drift: paused outside Fleet' }));
    expect(await json(await call('GET', `/schedules/${id}`, READ))).toMatchObject({ enabled: true, is_override: false });
  });

  it('validates bodies against the OpenAPI document', async () => {
    const bad = await call('PUT', `/schedules/${id}`, WRITE, { enabled: 'no', colour: 'blue' });
    expect(bad.status).toBe(400);
    expect((await json(bad)).errors).toEqual(expect.arrayContaining([{ field: 'enabled', message: 'must be boolean' }, { field: 'colour', message: 'unknown field' }]));
    const backwards = await call('POST', `/schedules/${id}/backfill`, WRITE, { start: '2026-02-01T00:00:00Z', end: '2026-01-01T00:00:00Z' });
    expect(backwards.status).toBe(400);
    const notDate = await call('POST', `/schedules/${id}/backfill`, WRITE, { start: 'yesterday', end: '2026-01-01T00:00:00Z' });
    expect((await json(notDate)).errors).toEqual([{ field: 'start', message: 'must match format "date-time"' }]);
  });

  it('triggers and backfills', async () => {
    expect((await call('POST', `/schedules/${id}/trigger`, WRITE)).status).toBe(202);
    await waitFor('the triggered run', async () => (await ctx.client.schedule.getHandle(`schedule-license-worker-${id}`).describe()).info.recentActions.length > 0);
    expect((await call('POST', `/schedules/${id}/backfill`, WRITE, { start: '2026-01-01T00:00:00Z', end: '2026-01-03T00:00:00Z' })).status).toBe(202);
    const view = await json(await call('GET', `/schedules/${id}`, READ));
    expect(view.last_run_time).toEqual(expect.any(String));
    expect(['RUNNING', 'COMPLETED', 'FAILED', 'TIMED_OUT', 'TERMINATED']).toContain(view.last_run_status);
  });

  it('deletes; a reload re-creates what is still declared', async () => {
    expect((await call('DELETE', `/schedules/${id}`, WRITE)).status).toBe(204);
    expect(await json(await call('GET', `/schedules/${id}`, READ))).toMatchObject({ exists: false });
    const missing = await call('PUT', `/schedules/${id}`, WRITE, { enabled: false });
    expect(missing.status).toBe(404);
    expect((await json(missing)).detail).toBe(`the schedule of ${id} is not in Temporal yet`);
    const reload = await gateway.reconciler.reconcileNow({ keepOverrides: false });
    expect(reload?.outcomes).toContainEqual(expect.objectContaining({ scheduleId: `schedule-license-worker-${id}`, action: 'create', status: 'done' }));
    expect(await json(await call('GET', `/schedules/${id}`, READ))).toMatchObject({ exists: true, enabled: true });
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
      const url = `http://127.0.0.1:${limited.port}/api/v0/schedules/daily-license-expiry-check`;
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

  it('is 100 a minute by default', () => {
    expect(loadConfig({}).GATEWAY_RATE_LIMIT_PER_MINUTE).toBe(100);
  });
});
