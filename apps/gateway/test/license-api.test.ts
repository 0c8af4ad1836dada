import { createLogger } from '@fleet/shared-observability';
import { createTestContext, freePort, waitFor, type ManagedProcess, type TestContext } from '@fleet/tools-infra/testing';
import { checkedFetch } from './conformance';
import { testGatewayConfig } from './gateway-config';
import { startLicenseWorkerProcess } from './license-worker-process';
import { startGateway, type RunningGateway } from '../src/gateway';

let ctx: TestContext;
let gateway: RunningGateway;
let worker: ManagedProcess;
let api: string;
const logger = createLogger('gateway', 'silent');
const KEY = 'license-rw-123';
const READ_ONLY = 'license-r-456';
const KEYS = `ops=${KEY}:license:read license:write,viewer=${READ_ONLY}:license:read`;

beforeAll(async () => {
  ctx = await createTestContext('gateway');
  worker = startLicenseWorkerProcess(ctx, 'gateway-test').process;
  gateway = await startGateway(testGatewayConfig(ctx, { GATEWAY_API_KEYS: KEYS }), logger);
  api = `http://127.0.0.1:${gateway.port}/api/v0`;
});

afterAll(async () => {
  await gateway.close();
  await worker.stop();
  await ctx.close();
});

type Body = Record<string, unknown>;
// Every answer is checked against the OpenAPI document before a test looks at it.
const get = <T = Body>(route: string, token = KEY) => checkedFetch<T>(`${api}${route}`, { headers: { authorization: `Bearer ${token}` } });
const post = <T = Body>(route: string, body: unknown, token = KEY) =>
  checkedFetch<T>(`${api}${route}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });

async function finished(route: string): Promise<Body> {
  return waitFor(`${route} to finish`, async () => {
    const { body } = await get(route);
    return body.status !== 'RUNNING' && body;
  }, 60_000, 200);
}

describe('POST /api/v0/license-deactivations', () => {
  it('starts a dry run: 202 with workflow and run ids, then its status and summary', async () => {
    const res = await post<{ workflowId: string; runId: string }>('/license-deactivations', { dryRun: true, batchDate: '2026-03-01' });
    expect(res.status).toBe(202);
    const started = res.body;
    expect(started).toMatchObject({ batchDate: '2026-03-01', dryRun: true, runId: expect.any(String) });
    expect(started.workflowId).toMatch(/^license-deactivation-2026-03-01-dry-run-/);
    expect(res.headers.get('location')).toBe(`/api/v0/license-deactivations/${started.workflowId}`);

    const status = await finished(`/license-deactivations/${started.workflowId}`);
    expect(status).toMatchObject({
      workflowId: started.workflowId,
      type: 'licenseDeactivationWorkflow',
      status: 'COMPLETED',
      closeTime: expect.any(String),
      result: { batchDate: '2026-03-01', dryRun: true, wouldDeactivate: 0, failures: 0 },
    });
  });

  it('defaults the batch date to today in Asia/Kolkata', async () => {
    const res = await post<{ batchDate: string }>('/license-deactivations', { dryRun: false });
    expect(res.status).toBe(202);
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Kolkata' }).format(new Date());
    expect(res.body.batchDate).toBe(today);
  });

  it.each([
    [{}, 'dryRun', 'expected true or false'],
    [{ dryRun: 'yes' }, 'dryRun', 'expected true or false'],
    [{ dryRun: true, batchDate: '2026-02-30' }, 'batchDate', 'expected a real calendar date YYYY-MM-DD'],
    [{ dryRun: true, batchSize: 0 }, 'batchSize', 'Too small'],
    [{ dryRun: true, gracePeriodDays: 1.5 }, 'gracePeriodDays', 'expected int'],
    [{ dryRun: true, cursor: 'x' }, 'cursor', 'unknown field'],
  ])('rejects %j with a 400 naming %s', async (body, field, message) => {
    const res = await post<{ errors: unknown[] }>('/license-deactivations', body);
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(res.body.errors).toEqual([{ field, message: expect.stringContaining(message) }]);
  });

  it('rejects a body that is not JSON', async () => {
    const res = await post<{ detail: string }>('/license-deactivations', '{"dryRun": tru');
    expect(res.status).toBe(400);
    expect(res.body.detail).toBe('the body is not valid JSON');
  });

  it('needs license:write', async () => {
    const res = await post<{ detail: string }>('/license-deactivations', { dryRun: true }, READ_ONLY);
    expect(res.status).toBe(403);
    expect(res.body.detail).toBe('this needs the scope license:write');
  });
});

describe('GET /api/v0/license-deactivations/{workflowId}', () => {
  it('is the same plain 404 for an unknown workflow and for a workflow of another type', async () => {
    const unknown = await get<{ detail: string }>('/license-deactivations/nope', READ_ONLY);
    expect(unknown.status).toBe(404);
    expect(unknown.body.detail).toBe('no such license deactivation');
    const renewal = await post<{ workflowId: string }>('/license-renewals', { licenseId: 'LIC-X', renewalDate: '2027-01-01' });
    const res = await get<{ detail: string }>(`/license-deactivations/${renewal.body.workflowId}`, READ_ONLY);
    expect(res.status).toBe(404);
    // Nothing says what the id is.
    expect(res.body.detail).toBe('no such license deactivation');
    expect(JSON.stringify(res.body)).not.toMatch(/Renewal|renewal/);
  });
});

describe('POST /api/v0/license-renewals', () => {
  it('starts one renewal per license and date; a failed one reports why', async () => {
    const first = await post<{ workflowId: string; runId: string }>('/license-renewals', { licenseId: 'LIC-MISSING', renewalDate: '2027-05-01' });
    expect(first.status).toBe(202);
    expect(first.body).toMatchObject({ workflowId: 'license-renewal-LIC-MISSING-2027-05-01', runId: expect.any(String), alreadyStarted: false });
    const status = await finished(`/license-renewals/${first.body.workflowId}`);
    expect(status).toMatchObject({ type: 'licenseRenewalWorkflow', status: 'FAILED', failure: 'license LIC-MISSING does not exist' });
  });

  it('rejects a renewal without a license id', async () => {
    const res = await post<{ errors: { field: string }[] }>('/license-renewals', { renewalDate: '2027-05-01' });
    expect(res.status).toBe(400);
    expect(res.body.errors[0]!.field).toBe('licenseId');
  });
});

describe('Temporal unreachable', () => {
  it('answers 503 saying so, quickly, and readiness reports not ready', async () => {
    const offline = await startGateway(
      testGatewayConfig({ temporal: { address: `127.0.0.1:${await freePort()}` } }, { TEMPORAL_RPC_TIMEOUT_MS: '1500', GATEWAY_API_KEYS: KEYS }),
      logger,
    );
    try {
      const started = Date.now();
      const res = await checkedFetch<{ detail: string }>(`http://127.0.0.1:${offline.port}/api/v0/license-deactivations`, {
        method: 'POST',
        headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
        body: JSON.stringify({ dryRun: true }),
      });
      expect(res.status).toBe(503);
      expect(res.body.detail).toMatch(/Temporal is unreachable/);
      expect(Date.now() - started).toBeLessThan(10_000);
      const ready = await fetch(`http://127.0.0.1:${offline.port}/readyz`);
      expect(ready.status).toBe(503);
      expect((await fetch(`http://127.0.0.1:${offline.port}/healthz`)).status).toBe(200);
    } finally {
      await offline.close();
    }
  });
});
