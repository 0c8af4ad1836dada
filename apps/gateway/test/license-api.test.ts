import { createLogger } from '@fleet/shared-observability';
import { createTestContext, freePort, waitFor, type ManagedProcess, type TestContext } from '@fleet/tools-infra/testing';
import { startLicenseWorkerProcess } from './license-worker-process';
import { loadConfig } from '../src/config';
import { startGateway, type RunningGateway } from '../src/gateway';

let ctx: TestContext;
let gateway: RunningGateway;
let worker: ManagedProcess;
let api: string;
const logger = createLogger('gateway', 'silent');

beforeAll(async () => {
  ctx = await createTestContext('gateway');
  worker = startLicenseWorkerProcess(ctx, 'gateway-test');
  gateway = await startGateway(
    loadConfig({ TEMPORAL_ADDRESS: ctx.temporal.address, TEMPORAL_NAMESPACE: ctx.temporal.namespace, GATEWAY_PORT: '0' }),
    logger,
  );
  api = `http://127.0.0.1:${gateway.port}/api/v0`;
});

afterAll(async () => {
  await gateway.close();
  await worker.stop();
  await ctx.close();
});

const post = (route: string, body: unknown) =>
  fetch(`${api}${route}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body) });

async function finished(route: string): Promise<Record<string, unknown>> {
  return waitFor(`${route} to finish`, async () => {
    const body = (await (await fetch(`${api}${route}`)).json()) as Record<string, unknown>;
    return body.status !== 'RUNNING' && body;
  }, 60_000, 200);
}

describe('POST /api/v0/license-deactivations', () => {
  it('starts a dry run: 202 with workflow and run ids, then its status and summary', async () => {
    const res = await post('/license-deactivations', { dryRun: true, batchDate: '2026-03-01' });
    expect(res.status).toBe(202);
    const started = (await res.json()) as { workflowId: string; runId: string };
    expect(started).toMatchObject({ batchDate: '2026-03-01', dryRun: true, runId: expect.any(String) });
    expect(started.workflowId).toMatch(/^license-deactivation-2026-03-01-dry-run-/);
    expect(res.headers.get('location')).toBe(`/api/v0/license-deactivations/${started.workflowId}`);

    const status = await finished(`/license-deactivations/${started.workflowId}`);
    expect(status).toMatchObject({
      workflowId: started.workflowId,
      status: 'COMPLETED',
      result: { batchDate: '2026-03-01', dryRun: true, wouldDeactivate: 0, failures: 0 },
    });
  });

  it('defaults the batch date to today in Asia/Kolkata', async () => {
    const res = await post('/license-deactivations', { dryRun: false });
    expect(res.status).toBe(202);
    const { batchDate } = (await res.json()) as { batchDate: string };
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Kolkata' }).format(new Date());
    expect(batchDate).toBe(today);
  });

  it.each([
    [{}, 'dryRun', 'expected true or false'],
    [{ dryRun: 'yes' }, 'dryRun', 'expected true or false'],
    [{ dryRun: true, batchDate: '2026-02-30' }, 'batchDate', 'expected a calendar date YYYY-MM-DD'],
    [{ dryRun: true, batchSize: 0 }, 'batchSize', 'Too small'],
    [{ dryRun: true, gracePeriodDays: 1.5 }, 'gracePeriodDays', 'expected int'],
    [{ dryRun: true, cursor: 'x' }, 'cursor', 'unknown field'],
  ])('rejects %j with a 400 naming %s', async (body, field, message) => {
    const res = await post('/license-deactivations', body);
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    const problem = (await res.json()) as { errors: { field: string; message: string }[] };
    expect(problem.errors).toEqual([{ field, message: expect.stringContaining(message) }]);
  });

  it('rejects a body that is not JSON', async () => {
    const res = await post('/license-deactivations', '{"dryRun": tru');
    expect(res.status).toBe(400);
    expect(((await res.json()) as { detail: string }).detail).toMatch(/not valid JSON/);
  });
});

describe('GET /api/v0/license-deactivations/{workflowId}', () => {
  it('is 404 for an unknown workflow and for a workflow of another type', async () => {
    expect((await fetch(`${api}/license-deactivations/nope`)).status).toBe(404);
    const renewal = (await (await post('/license-renewals', { licenseId: 'LIC-X', renewalDate: '2027-01-01' })).json()) as { workflowId: string };
    const res = await fetch(`${api}/license-deactivations/${renewal.workflowId}`);
    expect(res.status).toBe(404);
    expect(((await res.json()) as { detail: string }).detail).toMatch(/is a licenseRenewalWorkflow/);
  });
});

describe('POST /api/v0/license-renewals', () => {
  it('starts one renewal per license and date; a failed one reports why', async () => {
    const first = await post('/license-renewals', { licenseId: 'LIC-MISSING', renewalDate: '2027-05-01' });
    expect(first.status).toBe(202);
    const { workflowId } = (await first.json()) as { workflowId: string };
    expect(workflowId).toBe('license-renewal-LIC-MISSING-2027-05-01');
    const status = await finished(`/license-renewals/${workflowId}`);
    expect(status).toMatchObject({ status: 'FAILED', failure: 'license LIC-MISSING does not exist' });
  });

  it('rejects a renewal without a license id', async () => {
    const res = await post('/license-renewals', { renewalDate: '2027-05-01' });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { errors: { field: string }[] }).errors[0]!.field).toBe('licenseId');
  });
});

describe('Temporal unreachable', () => {
  it('answers 503 saying so, quickly, and readiness reports not ready', async () => {
    const port = await freePort();
    const offline = await startGateway(
      loadConfig({ TEMPORAL_ADDRESS: `127.0.0.1:${port}`, GATEWAY_PORT: '0', TEMPORAL_RPC_TIMEOUT_MS: '1500' }),
      logger,
    );
    try {
      const started = Date.now();
      const res = await fetch(`http://127.0.0.1:${offline.port}/api/v0/license-deactivations`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ dryRun: true }),
      });
      expect(res.status).toBe(503);
      expect(((await res.json()) as { detail: string }).detail).toMatch(/Temporal is unreachable/);
      expect(Date.now() - started).toBeLessThan(10_000);
      const ready = await fetch(`http://127.0.0.1:${offline.port}/readyz`);
      expect(ready.status).toBe(503);
      expect((await fetch(`http://127.0.0.1:${offline.port}/healthz`)).status).toBe(200);
    } finally {
      await offline.close();
    }
  });
});
