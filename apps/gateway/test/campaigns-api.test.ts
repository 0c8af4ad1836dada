import { instantToLocal } from '@fleet/campaigns-contracts';
import { createLogger } from '@fleet/shared-observability';
import { createTestContext, startTestChannelsSim, startTestLlmSim, waitFor, type ManagedProcess, type TestChannelsSim, type TestContext, type TestLlmSim } from '@fleet/tools-infra/testing';
import jwt from 'jsonwebtoken';
import { startCampaignWorkerProcess } from './campaign-worker-process';
import { checkedFetch, type CheckedResponse } from './conformance';
import { testGatewayConfig } from './gateway-config';
import { startGateway, type RunningGateway } from '../src/gateway';

let ctx: TestContext;
let gateway: RunningGateway;
let worker: ManagedProcess;
let sim: TestChannelsSim;
let llm: TestLlmSim;
let api: string;
const logger = createLogger('gateway', 'silent');
const SECRET = 'a-test-secret-of-32-characters!!';
const WRITE = 'campaigns-rw-123';
const READ = 'campaigns-r-456';
const OTHER = 'ticketing-r-789';
const KEYS = `marketing=${WRITE}:campaigns:read campaigns:write,viewer=${READ}:campaigns:read,ticketing=${OTHER}:ticketing:read`;
const TZ = 'Europe/Berlin';

type Body = Record<string, unknown>;
type Campaign = {
  workflowId: string;
  idempotencyKey: string;
  campaignId: string | null;
  state: string;
  contentReady: boolean;
  approval: { decision: string | null; by: string | null; submittedBy: string | null };
  channels: { channel: string; status: string }[];
  creatives: { reference: string; status: string; content: unknown }[];
  compensation: { status: string };
  createdAt: string;
  version: number;
};
type Problem = { status: number; title: string; detail: string; errors?: { field: string; message: string }[] };

// Every answer is checked against the OpenAPI document before a test looks at it.
const call = <T = Body>(method: string, route: string, body?: unknown, token: string | null = WRITE, contentType = 'application/json'): Promise<CheckedResponse<T>> =>
  checkedFetch<T>(`${api}${route}`, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body === undefined ? {} : { 'content-type': contentType }) },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
const fields = (res: CheckedResponse<unknown>) => ((res.body as Problem).errors ?? []).map((e) => e.field);
const localIn = (ms: number) => instantToLocal(Date.now() + ms, TZ);
/** A campaign on Google and LinkedIn, starting now in Berlin and ending `endInMs` from now. */
const campaignInput = (key: string, endInMs = 120_000): Body => ({
  idempotencyKey: key,
  name: `Spring sale ${key}`,
  brief: 'Garden tools, 20% off for two weeks. Friendly tone.',
  timeZone: TZ,
  startAt: localIn(0),
  endAt: localIn(endInMs),
  budget: { total: 1000, currency: 'EUR' },
  channels: [
    { channel: 'google', budget: 300, creatives: 1 },
    { channel: 'linkedin', budget: 200, creatives: 1 },
  ],
  approval: { remindAfterSeconds: 60, expireAfterSeconds: 120 },
  reviewPollSeconds: 1,
});

beforeAll(async () => {
  ctx = await createTestContext('campaigns-api');
  [sim, llm] = await Promise.all([startTestChannelsSim('campaigns-api'), startTestLlmSim('campaigns-api')]);
  worker = startCampaignWorkerProcess(ctx, 'campaigns-api', { CHANNELS_URL: sim.url, CHANNELS_ACCOUNT: 'acme', LLM_BASE_URL: llm.baseUrl, LLM_MODEL: llm.model }).process;
  gateway = await startGateway(testGatewayConfig(ctx, { GATEWAY_API_KEYS: KEYS, GATEWAY_JWT_SECRET: SECRET, GATEWAY_RATE_LIMIT_PER_MINUTE: '100000' }), logger);
  api = `http://127.0.0.1:${gateway.port}/api/v0`;
  // The first campaign, once the worker answers (it migrates its database before it polls).
  await waitFor('the campaign worker to record a campaign', async () => (await call('POST', '/campaigns/campaigns', campaignInput('C-0'))).status === 200, 90_000, 500);
}, 120_000);

afterAll(async () => {
  await gateway?.close();
  await worker?.stop();
  await Promise.all([sim?.stop(), llm?.stop()]);
  await ctx?.close();
});

describe('authentication and scopes', () => {
  it('401 without a token, on reads and writes', async () => {
    for (const [method, route] of [['GET', '/campaigns/campaigns/C-0'], ['POST', '/campaigns/campaigns'], ['POST', '/campaigns/campaigns/C-0/submit']]) {
      const res = await call(method as string, route as string, method === 'GET' ? undefined : {}, null);
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
    }
  });

  it("403 naming the scope: a read-only key writes nothing, another domain's key reads nothing", async () => {
    const write = await call<Problem>('POST', '/campaigns/campaigns/C-0/submit', { by: 'alice' }, READ);
    expect([write.status, write.body.detail]).toEqual([403, 'this needs the scope campaigns:write']);
    expect((await call('POST', '/campaigns/campaigns', campaignInput('C-403'), READ)).status).toBe(403);
    const read = await call<Problem>('GET', '/campaigns/campaigns/C-0', undefined, OTHER);
    expect([read.status, read.body.detail]).toEqual([403, 'this needs the scope campaigns:read']);
    // A JWT carrying the read scope reads.
    const token = jwt.sign({ sub: 'marketer-7', scope: 'campaigns:read' }, SECRET, { expiresIn: '5m' });
    expect((await call('GET', '/campaigns/campaigns/C-0', undefined, token)).status).toBe(200);
  });
});

describe('bad input: a 400 naming the field, and nothing started', () => {
  it('refuses a create missing or breaking fields, and no campaign exists after', async () => {
    const res = await call<Problem>('POST', '/campaigns/campaigns', { ...campaignInput('BAD-1'), timeZone: 'Mars/Olympus', name: undefined, budget: { total: 10, currency: 'euro' }, extra: 1 });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(fields(res).sort()).toEqual(['budget.currency', 'extra', 'name', 'timeZone']);
    expect((await call('GET', '/campaigns/campaigns/BAD-1')).status).toBe(404);
  });

  it("refuses the campaign's own rules (budgets, dates in its time zone) before any workflow starts", async () => {
    const over = await call('POST', '/campaigns/campaigns', { ...campaignInput('BAD-2'), budget: { total: 100, currency: 'EUR' } });
    expect([over.status, fields(over)]).toEqual([400, ['channels']]);
    const ended = await call<Problem>('POST', '/campaigns/campaigns', { ...campaignInput('BAD-3'), startAt: '2020-01-01', endAt: '2020-02-01' });
    expect([ended.status, fields(ended).sort()]).toEqual([400, ['endAt', 'startAt']]);
    expect(ended.body.detail).toMatch(/endAt: the campaign ends \(2020-02-01 Europe\/Berlin\) before now/);
    const backwards = await call('POST', '/campaigns/campaigns', { ...campaignInput('BAD-4'), endAt: localIn(-60_000) });
    expect([backwards.status, fields(backwards)]).toEqual([400, ['endAt']]);
    for (const key of ['BAD-2', 'BAD-3', 'BAD-4']) expect((await call('GET', `/campaigns/campaigns/${key}`)).status).toBe(404);
  });

  it('refuses each move whose body is wrong before the campaign sees it', async () => {
    const cases: [string, unknown, string][] = [
      ['submit', {}, 'by'],
      ['approve', { by: 'bob' }, 'reason'],
      ['reject', { by: 'has space', reason: 'no' }, 'by'],
      ['schedule', { by: 'bob', at: 'now' }, 'at'],
      ['pause', { by: 'bob', channel: 'tiktok' }, 'channel'],
      ['resume', { by: 'bob', reason: '' }, 'reason'],
      ['cancel', { by: 'bob' }, 'reason'],
    ];
    const before = (await call<Campaign>('GET', '/campaigns/campaigns/C-0')).body;
    for (const [action, body, field] of cases) {
      const res = await call('POST', `/campaigns/campaigns/C-0/${action}`, body);
      expect([action, res.status, fields(res)]).toEqual([action, 400, [field]]);
    }
    const { body } = await call<Campaign>('GET', '/campaigns/campaigns/C-0');
    expect(body).toMatchObject({ state: 'draft', version: before.version });
  });

  it('refuses a key in the path that breaks its rule, naming it', async () => {
    expect(fields(await call('GET', `/campaigns/campaigns/${encodeURIComponent('a b')}`))).toEqual(['idempotencyKey']);
    expect(fields(await call('POST', `/campaigns/campaigns/${'x'.repeat(65)}/submit`, { by: 'alice' }))).toEqual(['idempotencyKey']);
  });

  it('415 for a body that is not JSON', async () => {
    const res = await call<Problem>('POST', '/campaigns/campaigns', 'name=x', WRITE, 'application/x-www-form-urlencoded');
    expect([res.status, res.body.detail]).toEqual([415, 'bodies are application/json']);
  });
});

describe('a campaign through the API', () => {
  it('is created once: the same create again answers the same campaign', async () => {
    const input = campaignInput('C-1', 40_000);
    const first = await call<Campaign>('POST', '/campaigns/campaigns', input);
    expect(first.status).toBe(200);
    expect(first.headers.get('location')).toBe('/api/v0/campaigns/campaigns/C-1');
    expect(first.body).toMatchObject({ idempotencyKey: 'C-1', workflowId: 'campaign-C-1', state: 'draft', campaignId: expect.any(String) });
    const again = await call<Campaign>('POST', '/campaigns/campaigns', input);
    expect(again.status).toBe(200);
    expect(again.body.campaignId).toBe(first.body.campaignId);
    expect(again.body.createdAt).toBe(first.body.createdAt);
    const read = await call<Campaign>('GET', '/campaigns/campaigns/C-1');
    expect([read.status, read.body.campaignId]).toEqual([200, first.body.campaignId]);
  });

  it('refuses a move its state does not allow: 409 saying why, nothing recorded', async () => {
    const before = (await call<Campaign>('GET', '/campaigns/campaigns/C-1')).body;
    const early = await call<Problem>('POST', '/campaigns/campaigns/C-1/schedule', { by: 'bob' });
    expect([early.status, early.body.title, early.body.detail]).toEqual([409, 'Conflict', 'cannot schedule a campaign that is draft (only approved)']);
    const after = (await call<Campaign>('GET', '/campaigns/campaigns/C-1')).body;
    expect([after.state, after.version]).toEqual(['draft', before.version]);
  });

  it('takes each move as its Update: submit, approve, schedule, pause, resume, cancel', async () => {
    const submitted = await call<Campaign>('POST', '/campaigns/campaigns/C-1/submit', { by: 'alice' });
    expect([submitted.status, submitted.body.state, submitted.body.contentReady]).toEqual([200, 'in_review', true]);
    expect(submitted.body.creatives.every((c) => c.content !== null)).toBe(true);
    // The submitter does not approve their own campaign.
    const self = await call<Problem>('POST', '/campaigns/campaigns/C-1/approve', { by: 'alice', reason: 'looks good' });
    expect([self.status, self.body.detail]).toEqual([409, 'alice submitted the campaign and cannot approve it too']);
    const approved = await call<Campaign>('POST', '/campaigns/campaigns/C-1/approve', { by: 'bob', reason: 'looks good' });
    expect([approved.status, approved.body.state, approved.body.approval.decision, approved.body.approval.by]).toEqual([200, 'approved', 'approved', 'bob']);
    const scheduled = await call<Campaign>('POST', '/campaigns/campaigns/C-1/schedule', { by: 'bob' });
    expect([scheduled.status, scheduled.body.state]).toEqual([200, 'scheduled']);
    await waitFor('C-1 to run', async () => (await call<Campaign>('GET', '/campaigns/campaigns/C-1')).body.state === 'running', 20_000, 200);
    const channel = await call<Campaign>('POST', '/campaigns/campaigns/C-1/pause', { by: 'bob', channel: 'linkedin', reason: 'copy check' });
    expect([channel.status, channel.body.channels.find((c) => c.channel === 'linkedin')?.status]).toEqual([200, 'paused']);
    const paused = await call<Campaign>('POST', '/campaigns/campaigns/C-1/pause', { by: 'bob' });
    expect([paused.status, paused.body.state]).toEqual([200, 'paused']);
    const resumed = await call<Campaign>('POST', '/campaigns/campaigns/C-1/resume', { by: 'bob' });
    expect([resumed.status, resumed.body.state]).toEqual([200, 'running']);
    const again = await call<Problem>('POST', '/campaigns/campaigns/C-1/resume', { by: 'bob' });
    expect([again.status, again.body.detail]).toEqual([409, 'cannot resume a campaign that is running (only paused)']);
    const cancelled = await call<Campaign>('POST', '/campaigns/campaigns/C-1/cancel', { by: 'carol', reason: 'budget frozen' });
    expect([cancelled.status, cancelled.body.state]).toEqual([200, 'cancelled']);
    // Once compensated the workflow ends: no more moves, still read (from its result), and the same create answers it as it ended.
    await waitFor('its workflow to have ended', async () => {
      const res = await call<Problem>('POST', '/campaigns/campaigns/C-1/cancel', { by: 'carol', reason: 'again' });
      return res.status === 409 && /has ended/.test(res.body.detail);
    }, 30_000, 250);
    const ended = (await call<Campaign>('GET', '/campaigns/campaigns/C-1')).body;
    expect(ended.state).toBe('cancelled');
    expect(['none', 'done']).toContain(ended.compensation.status);
    const objects = (await sim.objects()).filter((o) => o.externalReference.startsWith(String(cancelled.body.campaignId)));
    expect(objects.filter((o) => o.state !== 'REMOVED')).toEqual([]);
    const recreated = await call<Campaign>('POST', '/campaigns/campaigns', campaignInput('C-1', 40_000));
    expect([recreated.status, recreated.body.state, recreated.body.campaignId]).toEqual([200, 'cancelled', cancelled.body.campaignId]);
  }, 60_000);

  it('a rejected campaign ends there', async () => {
    expect((await call('POST', '/campaigns/campaigns/C-0/submit', { by: 'alice' })).status).toBe(200);
    const rejected = await call<Campaign>('POST', '/campaigns/campaigns/C-0/reject', { by: 'bob', reason: 'off brand' });
    expect([rejected.status, rejected.body.state, rejected.body.approval.decision]).toEqual([200, 'rejected', 'rejected']);
    const late = await call<Problem>('POST', '/campaigns/campaigns/C-0/approve', { by: 'bob', reason: 'changed my mind' });
    expect(late.status).toBe(409);
  });

  it('404 for a campaign that does not exist, on reads and moves', async () => {
    expect((await call('GET', '/campaigns/campaigns/NOPE')).status).toBe(404);
    for (const [action, body] of [['submit', { by: 'alice' }], ['cancel', { by: 'alice', reason: 'x' }]] as const) {
      const res = await call<Problem>('POST', `/campaigns/campaigns/NOPE/${action}`, body);
      expect([res.status, res.body.detail]).toEqual([404, 'no such campaign']);
    }
  });
});

describe('the digital presence audit', () => {
  type Started = { workflowId: string; runId: string; domain: string; alreadyStarted: boolean };
  type Audit = { workflowId: string; status: string; progress?: { step: string } | null; result?: { reportId: string; markdown: string; json: { domain: string; kind: string; sections: { title: string }[] } }; failure?: string };

  it('starts once per domain and nonce, and reads its report (Markdown and JSON) once completed', async () => {
    const started = await call<Started>('POST', '/campaigns/audits', { domain: 'Acme-Bakery.example', nonce: 'api-1' });
    expect(started.status).toBe(202);
    expect(started.body).toMatchObject({ workflowId: 'campaign-audit-acme-bakery.example-api-1', domain: 'acme-bakery.example', alreadyStarted: false });
    expect(started.headers.get('location')).toBe('/api/v0/campaigns/audits/campaign-audit-acme-bakery.example-api-1');
    const again = await call<Started>('POST', '/campaigns/audits', { domain: 'acme-bakery.example', nonce: 'api-1' });
    expect([again.status, again.body.runId, again.body.alreadyStarted]).toEqual([202, started.body.runId, true]);
    const audit = await waitFor('the audit to complete', async () => {
      const res = await call<Audit>('GET', `/campaigns/audits/${started.body.workflowId}`);
      expect(res.status).toBe(200);
      expect(['RUNNING', 'COMPLETED']).toContain(res.body.status);
      return res.body.status === 'COMPLETED' && res.body;
    }, 45_000, 250);
    expect(audit.result?.json).toMatchObject({ domain: 'acme-bakery.example', kind: 'audit' });
    expect(audit.result?.json.sections.map((s) => s.title)).toEqual(['Website', 'Social media', 'SEO']);
    expect(audit.result?.markdown).toMatch(/^# .+\n/);
    expect(audit.result?.markdown).toContain('Domain: acme-bakery.example');
    // Asked again once it ended, the same audit: nothing runs twice.
    const after = await call<Started>('POST', '/campaigns/audits', { domain: 'acme-bakery.example', nonce: 'api-1' });
    expect([after.status, after.body.runId, after.body.alreadyStarted]).toEqual([202, started.body.runId, true]);
  }, 60_000);

  it('400 naming the field, 403 without the write scope, 404 for an unknown audit', async () => {
    const bad = await call('POST', '/campaigns/audits', { domain: 'not a domain', nonce: 'has space', extra: true });
    expect([bad.status, fields(bad).sort()]).toEqual([400, ['domain', 'extra', 'nonce']]);
    expect((await call('POST', '/campaigns/audits', { domain: 'acme-bakery.example' }, READ)).status).toBe(403);
    expect((await call('GET', '/campaigns/audits/campaign-audit-nowhere.example', undefined, READ)).status).toBe(404);
    // A campaign's workflow is not an audit.
    expect((await call('GET', '/campaigns/audits/campaign-C-0')).status).toBe(404);
    expect(fields(await call('GET', `/campaigns/audits/${encodeURIComponent('a b')}`))).toEqual(['workflowId']);
  });
});
