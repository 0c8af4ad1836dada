import { testGatewayConfig } from './gateway-config';
import { createLogger } from '@fleet/shared-observability';
import { createTestContext, freePort, waitFor, type TestContext } from '@fleet/tools-infra/testing';
import { VSYNC_TASK_QUEUE, reconciliationWorkflowId, type KeyType, type VsyncActivities } from '@fleet/vsync-contracts';
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import jwt from 'jsonwebtoken';
import { setTimeout as sleep } from 'node:timers/promises';
import { startGateway, type RunningGateway } from '../src/gateway';
import { checkedFetch, type CheckedResponse } from './conformance';

// The SDK's own error lines only.
try {
  Runtime.install({ logger: new DefaultLogger('ERROR') });
} catch {
  // installed already in this process
}

const logger = createLogger('gateway', 'silent');
const SECRET = 'a-test-secret-of-32-characters!!';
const READ = 'vsync-r-123';
const WRITE = 'vsync-w-456';
const SCHEDULES_ONLY = 'sched-789';
/** DICT answers NOK for this key type to a daily verification; a reconciliation's own verification is OK. */
const NOK: KeyType = 'CPF';
const DIVERGENCES = { onlyInDict: 150, onlyLocal: 20 };
/** The notifications the reconciliations asked for. */
const notifications: string[] = [];

/**
 * Stub activities (the test is about the API and the workflows, not the domain): a NOK key type
 * whose CID events show more divergences than the approval threshold, so its reconciliation waits.
 */
const activities: VsyncActivities = {
  async verifyKeyType({ keyType, requestedBy }) {
    const nok = keyType === NOK && requestedBy.startsWith('vsync-verification-');
    return { keyType, result: nok ? 'NOK' : 'OK', vsync: '00'.repeat(32), entries: 1000, dictVerificationId: `v-${keyType}`, verifiedAt: new Date().toISOString() };
  },
  async finishVerificationRun() {
    // nothing to log or publish here
  },
  async beginReconciliation() {
    return { claimed: true, lastOkAt: '2026-01-01T00:00:00.000Z' };
  },
  async collectEventDivergences() {
    return { enough: true, events: 170, pages: 1, divergences: DIVERGENCES };
  },
  async requestCidFile() {
    throw new Error('not in this test');
  },
  async getCidFile() {
    throw new Error('not in this test');
  },
  async stageCidFile() {
    throw new Error('not in this test');
  },
  async diffStagedFile() {
    throw new Error('not in this test');
  },
  async applyCorrections() {
    await sleep(1500); // long enough to decide a second time while it applies
    return { added: DIVERGENCES.onlyInDict, updated: 0, removed: DIVERGENCES.onlyLocal, vanished: 0 };
  },
  async recalculateVsync({ keyType }) {
    return { keyType, incremental: '00', full: '00', agree: true, entries: 1000, corruptEntries: 0, millis: 1 };
  },
  async noteReconciliation({ reconciliationId, notify }) {
    if (notify) notifications.push(`${reconciliationId}: ${notify}`);
  },
  async finishReconciliation() {
    // nothing to log or publish here
  },
};

let ctx: TestContext;
let gateway: RunningGateway;
let connection: NativeConnection;
let worker: Worker;
let running: Promise<void>;
let base: string;

beforeAll(async () => {
  ctx = await createTestContext('vsync-api');
  connection = await NativeConnection.connect({ address: ctx.temporal.address });
  worker = await Worker.create({
    connection,
    namespace: ctx.temporal.namespace,
    taskQueue: VSYNC_TASK_QUEUE,
    workflowBundle: { codePath: ctx.bundle('vsync-worker') },
    activities,
  });
  running = worker.run();
  gateway = await startGateway(
    testGatewayConfig(ctx, {
      GATEWAY_API_KEYS: `reader=${READ}:vsync:read,writer=${WRITE}:vsync:read vsync:write,scheduler=${SCHEDULES_ONLY}:workflow.schedule:read workflow.schedule:write`,
      GATEWAY_JWT_SECRET: SECRET,
    }),
    logger,
  );
  base = `http://127.0.0.1:${gateway.port}/api/v0`;
});

afterAll(async () => {
  await gateway?.close();
  worker?.shutdown();
  await running;
  await connection?.close();
  await ctx?.close();
});

// Every answer is checked against the OpenAPI document before a test looks at it.
const call = (method: string, route: string, token: string | null, body?: unknown) =>
  checkedFetch(`${base}${route}`, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
const json = <T = Record<string, unknown>>(res: CheckedResponse<unknown>) => res.body as T;

type Run = { workflowId: string; runId: string; type: string; status: string; startTime: string; closeTime: string | null; progress?: Record<string, unknown> | null; result?: Record<string, unknown> };

async function startVerification(day: string): Promise<{ workflowId: string; runId: string; day: string }> {
  const res = await call('POST', '/vsync/verifications', WRITE, { day, keyTypes: ['CPF', 'EMAIL'] });
  expect(res.status).toBe(202);
  return json(res);
}

/** The reconciliation as GET one shows it, once `check` holds. */
const reconciliationWhen = (workflowId: string, check: (run: Run) => boolean) =>
  waitFor(`${workflowId} to match`, async () => {
    const res = await call('GET', `/vsync/reconciliations/${workflowId}`, READ);
    if (res.status !== 200) return undefined;
    const run = json<Run>(res);
    return check(run) && run;
  }, 30_000, 200);

const awaitingApproval = (run: Run) => run.status === 'RUNNING' && run.progress?.phase === 'awaiting-approval';

describe('a verification, its reconciliation and its approval', () => {
  const day = '2026-04-01';
  const reconciliationId = reconciliationWorkflowId(NOK, day);
  let verificationId: string;

  it('starts a verification: 202 with workflow and run ids', async () => {
    const started = await startVerification(day);
    expect(started).toMatchObject({ day, runId: expect.any(String) });
    expect(started.workflowId).toMatch(/^vsync-verification-2026-04-01-manual-[0-9a-f]{8}$/);
    verificationId = started.workflowId;
  });

  it('lists it, completed, with its summary', async () => {
    const listed = await waitFor('the verification listed as completed', async () => {
      const { verifications } = json<{ verifications: Run[] }>(await call('GET', '/vsync/verifications', READ));
      const run = verifications.find((v) => v.workflowId === verificationId);
      return run?.status === 'COMPLETED' && run;
    }, 30_000, 200);
    expect(listed.closeTime).toEqual(expect.any(String));
    expect(listed.result).toMatchObject({
      day,
      verifications: [expect.objectContaining({ keyType: 'CPF', result: 'NOK' }), expect.objectContaining({ keyType: 'EMAIL', result: 'OK' })],
      reconciliations: [{ keyType: 'CPF', workflowId: reconciliationId, started: true }],
    });
    const one = json<Run>(await call('GET', `/vsync/verifications/${verificationId}`, READ));
    expect(one).toMatchObject({ workflowId: verificationId, type: 'vsyncVerificationWorkflow', status: 'COMPLETED', result: { day } });
  });

  it('lists the reconciliation waiting for approval, with its live state', async () => {
    const listed = await waitFor('the reconciliation listed awaiting approval', async () => {
      const { reconciliations } = json<{ reconciliations: Run[] }>(await call('GET', '/vsync/reconciliations', READ));
      const run = reconciliations.find((r) => r.workflowId === reconciliationId);
      return run && awaitingApproval(run) && run;
    }, 30_000, 200);
    expect(listed.type).toBe('vsyncReconciliationWorkflow');
    expect(listed.progress).toMatchObject({
      reconciliationId,
      keyType: 'CPF',
      phase: 'awaiting-approval',
      path: 'events',
      divergences: DIVERGENCES,
      approval: { required: true, decision: null, by: null },
    });
    const one = await reconciliationWhen(reconciliationId, awaitingApproval);
    expect(one.progress).toMatchObject({ phase: 'awaiting-approval' });
    expect(notifications).toContain(`${reconciliationId}: approval-required`);
  });

  it('approves it: 200 with its state, then it applies and completes; a second decision is 409', async () => {
    const res = await call('POST', `/vsync/reconciliations/${reconciliationId}/approve`, WRITE, { by: 'ops@fleet', reason: 'expected drift' });
    expect(res.status).toBe(200);
    // The state once the decision took effect (issue 12: it used to answer with the state before it).
    expect(json(res)).toMatchObject({ workflowId: reconciliationId, decision: 'approved', state: { reconciliationId, approval: { required: true, decision: 'approved', by: 'ops@fleet' } } });

    // Still running (applying): the workflow's own validator refuses.
    const again = await call('POST', `/vsync/reconciliations/${reconciliationId}/reject`, WRITE, { by: 'someone-else' });
    expect(again.status).toBe(409);
    expect(again.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(json(again).detail).toMatch(/not waiting for approval/);

    const done = await reconciliationWhen(reconciliationId, (r) => r.status === 'COMPLETED');
    expect(done.result).toMatchObject({
      outcome: 'completed',
      finalVerification: 'OK',
      phase: 'done',
      applied: { added: 150, removed: 20 },
      approval: { required: true, decision: 'approved', by: 'ops@fleet' },
    });

    // Closed: refused before reaching the workflow.
    const closed = await call('POST', `/vsync/reconciliations/${reconciliationId}/approve`, WRITE, { by: 'ops@fleet' });
    expect(closed.status).toBe(409);
    expect(json(closed).detail).toMatch(/not waiting for approval \(it is COMPLETED\)/);

    const { reconciliations } = json<{ reconciliations: Run[] }>(await call('GET', '/vsync/reconciliations?limit=5', READ));
    expect(reconciliations.find((r) => r.workflowId === reconciliationId)).toBeDefined();
  });
});

describe('rejecting', () => {
  it('stops the reconciliation without applying anything', async () => {
    const day = '2026-04-02';
    const reconciliationId = reconciliationWorkflowId(NOK, day);
    await startVerification(day);
    await reconciliationWhen(reconciliationId, awaitingApproval);
    const res = await call('POST', `/vsync/reconciliations/${reconciliationId}/reject`, WRITE, { by: 'ops@fleet', reason: 'too many' });
    expect(res.status).toBe(200);
    expect(json(res)).toMatchObject({ decision: 'rejected' });
    const done = await reconciliationWhen(reconciliationId, (r) => r.status === 'COMPLETED');
    expect(done.result).toMatchObject({
      outcome: 'rejected',
      applied: { added: 0, updated: 0, removed: 0, vanished: 0 },
      approval: { required: true, decision: 'rejected', by: 'ops@fleet' },
    });
  });
});

describe('listing', () => {
  it('is newest first and honours limit', async () => {
    const { verifications } = json<{ verifications: Run[] }>(await call('GET', '/vsync/verifications?limit=1', READ));
    expect(verifications).toHaveLength(1);
    const all = json<{ verifications: Run[] }>(await call('GET', '/vsync/verifications', READ));
    const starts = all.verifications.map((v) => v.startTime);
    expect(starts).toEqual([...starts].sort().reverse());
  });

  it.each(['0', '101', 'many'])('rejects limit=%s with a 400 naming limit', async (limit) => {
    const res = await call('GET', `/vsync/reconciliations?limit=${limit}`, READ);
    expect(res.status).toBe(400);
    expect((json<{ errors: { field: string }[] }>(res)).errors[0]!.field).toBe('limit');
  });
});

describe('unknown workflows', () => {
  it('the same plain 404 for an unknown id and for a workflow of the other type, which it does not name', async () => {
    for (const res of [
      await call('GET', '/vsync/reconciliations/nope', READ),
      await call('GET', '/vsync/verifications/nope', READ),
      await call('POST', '/vsync/reconciliations/nope/approve', WRITE, { by: 'ops' }),
      await call('POST', '/vsync/reconciliations/nope/reject', WRITE, { by: 'ops' }),
    ]) {
      expect(res.status).toBe(404);
      expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    }
    const { workflowId } = await startVerification('2026-04-03');
    for (const wrongType of [
      await call('POST', `/vsync/reconciliations/${workflowId}/approve`, WRITE, { by: 'ops' }),
      await call('GET', `/vsync/reconciliations/${workflowId}`, READ),
    ]) {
      expect(wrongType.status).toBe(404);
      expect(json(wrongType)).toMatchObject({ title: 'Not found', detail: 'no such reconciliation' });
      expect(JSON.stringify(json(wrongType))).not.toMatch(/[Vv]erification/);
    }
  });
});

describe('validation', () => {
  it.each([
    [{ day: '2026-4-1' }, 'day', 'expected a real calendar date YYYY-MM-DD'],
    [{ keyTypes: ['CPF', 'IBAN'] }, 'keyTypes.1', 'Invalid option'],
    [{ keyTypes: [] }, 'keyTypes', 'Too small'],
    [{ reconcile: 'yes' }, 'reconcile', 'expected boolean'],
    [{ reconciliation: { approvalThreshold: -1 } }, 'reconciliation.approvalThreshold', 'Too small'],
    [{ reconciliation: { threshold: 5 } }, 'reconciliation.threshold', 'unknown field'],
    [{ when: 'now' }, 'when', 'unknown field'],
  ])('rejects the verification body %j with a 400 naming %s', async (body, field, message) => {
    const res = await call('POST', '/vsync/verifications', WRITE, body);
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect((json<{ errors: unknown[] }>(res)).errors).toEqual([{ field, message: expect.stringContaining(message) }]);
  });

  it.each([
    [{}, 'by'],
    [{ by: '' }, 'by'],
    [{ by: 'ops', approve: false }, 'approve'],
    [{ by: 'ops', reason: 7 }, 'reason'],
  ])('rejects the decision %j with a 400 naming %s', async (body, field) => {
    const res = await call('POST', '/vsync/reconciliations/anything/approve', WRITE, body);
    expect(res.status).toBe(400);
    expect((json<{ errors: { field: string }[] }>(res)).errors.map((e) => e.field)).toEqual([field]);
  });

  it('accepts no body at all (every field has a default)', async () => {
    const res = await checkedFetch(`${base}/vsync/verifications`, { method: 'POST', headers: { authorization: `Bearer ${WRITE}` } });
    expect(res.status).toBe(202);
    const { day, workflowId } = json<{ day: string; workflowId: string }>(res);
    expect(day).toBe(new Intl.DateTimeFormat('en-CA', { timeZone: 'America/Sao_Paulo' }).format(new Date()));
    expect(workflowId).toMatch(new RegExp(`^vsync-verification-${day}-manual-`));
  });

  it('rejects a body that is not JSON', async () => {
    const res = await call('POST', '/vsync/verifications', WRITE, '{"day": ');
    expect(res.status).toBe(400);
    expect(json(res).detail).toBe('the body is not valid JSON');
  });
});

describe('authentication and scopes', () => {
  it('401 without a token or with an unknown one', async () => {
    const none = await call('GET', '/vsync/verifications', null);
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect(none.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect((await call('POST', '/vsync/reconciliations/x/approve', 'nope', { by: 'ops' })).status).toBe(401);
  });

  it('403 without the scope: vsync:write to start or decide, vsync:read to read', async () => {
    const start = await call('POST', '/vsync/verifications', READ, {});
    expect(start.status).toBe(403);
    expect(json(start).detail).toBe('this needs the scope vsync:write');
    expect((await call('POST', '/vsync/reconciliations/x/reject', READ, { by: 'ops' })).status).toBe(403);
    const list = await call('GET', '/vsync/reconciliations', SCHEDULES_ONLY);
    expect(list.status).toBe(403);
    expect(json(list).detail).toBe('this needs the scope vsync:read');
  });

  it('accepts a JWT carrying the scope', async () => {
    const token = jwt.sign({ sub: 'ops', scope: 'vsync:read' }, SECRET, { expiresIn: '5m' });
    expect((await call('GET', '/vsync/verifications', token)).status).toBe(200);
    expect((await call('POST', '/vsync/verifications', token, {})).status).toBe(403);
  });
});

describe('Temporal unreachable', () => {
  it('answers 503 problem+json, quickly', async () => {
    const offline = await startGateway(
      testGatewayConfig({ temporal: { address: `127.0.0.1:${await freePort()}` } }, {
        TEMPORAL_RPC_TIMEOUT_MS: '1500',
        GATEWAY_API_KEYS: `writer=${WRITE}:vsync:read vsync:write`,
      }),
      logger,
    );
    try {
      const started = Date.now();
      for (const [method, route, body] of [
        ['GET', '/vsync/reconciliations', undefined],
        ['POST', '/vsync/verifications', {}],
        ['POST', '/vsync/reconciliations/x/approve', { by: 'ops' }],
      ] as const) {
        const res = await checkedFetch(`http://127.0.0.1:${offline.port}/api/v0${route}`, {
          method,
          headers: { authorization: `Bearer ${WRITE}`, 'content-type': 'application/json' },
          body: body && JSON.stringify(body),
        });
        expect(res.status).toBe(503);
        expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      }
      expect(Date.now() - started).toBeLessThan(15_000);
    } finally {
      await offline.close();
    }
  });
});

describe('OpenAPI', () => {
  it('documents every vsync route', async () => {
    const doc = json<{ paths: Record<string, Record<string, { operationId: string }>> }>(await call('GET', '/openapi.json', READ));
    const operations = Object.entries(doc.paths)
      .filter(([p]) => p.startsWith('/api/v0/vsync'))
      .flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${p}`));
    expect(operations.sort()).toEqual([
      'GET /api/v0/vsync/reconciliations',
      'GET /api/v0/vsync/reconciliations/{workflowId}',
      'GET /api/v0/vsync/verifications',
      'GET /api/v0/vsync/verifications/{workflowId}',
      'POST /api/v0/vsync/reconciliations/{workflowId}/approve',
      'POST /api/v0/vsync/reconciliations/{workflowId}/reject',
      'POST /api/v0/vsync/verifications',
    ]);
  });
});
