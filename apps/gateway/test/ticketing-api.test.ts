import { createLogger } from '@fleet/shared-observability';
import type { TicketingConfigInput } from '@fleet/ticketing-contracts';
import { createTestContext, waitFor, type ManagedProcess, type TestContext } from '@fleet/tools-infra/testing';
import jwt from 'jsonwebtoken';
import { checkedFetch, type CheckedResponse } from './conformance';
import { testGatewayConfig } from './gateway-config';
import { startTicketingWorkerProcess } from './ticketing-worker-process';
import { startGateway, type RunningGateway } from '../src/gateway';

let ctx: TestContext;
let gateway: RunningGateway;
let worker: ManagedProcess;
let api: string;
const logger = createLogger('gateway', 'silent');
const SECRET = 'a-test-secret-of-32-characters!!';
const WRITE = 'ticketing-rw-123';
const READ = 'ticketing-r-456';
const OTHER = 'vsync-r-789';
const KEYS = `agents=${WRITE}:ticketing:read ticketing:write,viewer=${READ}:ticketing:read,vsync=${OTHER}:vsync:read`;

const always = { timeZone: 'UTC', week: Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((d) => [d, [{ start: '00:00', end: '24:00' }]])) };
/** 24/7; tickets of the queue `urgent-q` breach their first response after 1 minute, the others have hours. */
const config: TicketingConfigInput = {
  calendars: { always },
  rules: [
    { id: 'fast', match: { queues: ['urgent-q'] }, calendar: 'always', targets: { firstResponse: 1 } },
    { id: 'normal', calendar: 'always', targets: { firstResponse: 60, solution: 600 } },
  ],
};

type Body = Record<string, unknown>;
type Clock = { clock: string; status: string; targetMs: number; dueAt: string | null; breached: boolean };
type Ticket = { ticketId: string; queue: string; priority: string; state: string; assignee: string | null; policyId: string | null; createdAt: string; articles: number; clocks: Clock[]; version: number };
type Problem = { status: number; title: string; detail: string; errors?: { field: string; message: string }[] };

// Every answer is checked against the OpenAPI document before a test looks at it.
const call = <T = Body>(method: string, route: string, body?: unknown, token: string | null = WRITE, contentType = 'application/json'): Promise<CheckedResponse<T>> =>
  checkedFetch<T>(`${api}${route}`, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body === undefined ? {} : { 'content-type': contentType }) },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
const fields = (res: CheckedResponse<unknown>) => ((res.body as Problem).errors ?? []).map((e) => e.field);
const ticketInput = (ticketId: string, queue = 'support') => ({ ticketId, queue, subject: `Ticket ${ticketId}`, body: 'help', customer: { id: 'c-1', email: 'c1@example.test' } });

/** When the breaching tickets were created: their first response breaches a minute later. */
let breachingCreatedAt: number;

beforeAll(async () => {
  ctx = await createTestContext('ticketing-api');
  worker = startTicketingWorkerProcess(ctx, 'ticketing-api').process;
  gateway = await startGateway(testGatewayConfig(ctx, { GATEWAY_API_KEYS: KEYS, GATEWAY_JWT_SECRET: SECRET, GATEWAY_RATE_LIMIT_PER_MINUTE: '100000' }), logger);
  api = `http://127.0.0.1:${gateway.port}/api/v0`;
  // The first configuration, once the worker answers (it registers the search attributes before it polls).
  await waitFor('the ticketing worker to take the configuration', async () => (await call('PUT', '/ticketing/config', config)).status === 200, 60_000, 250);
  // Two tickets that breach in a minute: the breaching list is checked at the end of this file.
  for (const id of ['B-1', 'B-2']) expect((await call('POST', '/ticketing/tickets', ticketInput(id, 'urgent-q'))).status).toBe(200);
  breachingCreatedAt = Date.now();
}, 90_000);

afterAll(async () => {
  await gateway?.close();
  await worker?.stop();
  await ctx?.close();
});

describe('authentication and scopes', () => {
  it('401 without a token, on reads and writes', async () => {
    for (const [method, route] of [['GET', '/ticketing/tickets/B-1'], ['POST', '/ticketing/tickets'], ['GET', '/ticketing/queues/urgent-q/breaching'], ['PUT', '/ticketing/config']]) {
      const res = await call(method as string, route as string, method === 'GET' ? undefined : {}, null);
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
    }
  });

  it('403 naming the scope: a read-only key writes nothing, another domain\'s key reads nothing', async () => {
    const write = await call<Problem>('POST', '/ticketing/tickets/B-1/assign', { assignee: 'alice' }, READ);
    expect(write.status).toBe(403);
    expect(write.body.detail).toBe('this needs the scope ticketing:write');
    expect((await call<Problem>('PUT', '/ticketing/config', config, READ)).status).toBe(403);
    const read = await call<Problem>('GET', '/ticketing/tickets/B-1', undefined, OTHER);
    expect(read.status).toBe(403);
    expect(read.body.detail).toBe('this needs the scope ticketing:read');
    // A JWT carrying the read scope reads.
    const token = jwt.sign({ sub: 'agent-7', scope: 'ticketing:read' }, SECRET, { expiresIn: '5m' });
    expect((await call('GET', '/ticketing/tickets/B-1', undefined, token)).status).toBe(200);
  });
});

describe('bad input: a 4xx naming the field, and nothing changed', () => {
  it('refuses a create missing or breaking fields, and no ticket exists after', async () => {
    const res = await call<Problem>('POST', '/ticketing/tickets', { ...ticketInput('BAD-1'), queue: 'no spaces', subject: undefined, extra: 1 });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(fields(res).sort()).toEqual(['extra', 'queue', 'subject']);
    expect(res.body.detail).toMatch(/queue: only letters, digits and \. _ : - are allowed/);
    expect((await call('GET', '/ticketing/tickets/BAD-1')).status).toBe(404);
  });

  it('refuses each change whose body is wrong before the ticket sees it', async () => {
    const cases: [string, unknown, string][] = [
      ['assign', { assignee: 'has space' }, 'assignee'],
      ['change-state', { state: 'pending' }, 'pendingUntil'],
      ['change-state', { state: 'open', pendingUntil: '2026-12-02T09:00:00Z' }, 'pendingUntil'],
      ['change-state', { state: 'archived' }, 'state'],
      ['change-priority', { priority: 'whenever' }, 'priority'],
      ['change-queue', {}, 'queue'],
      ['articles', { articleId: 'a-1', author: 'customer', authorId: 'c-1', body: 'hi', internal: true }, 'internal'],
    ];
    const before = (await call<Ticket>('GET', '/ticketing/tickets/B-1')).body;
    for (const [action, body, field] of cases) {
      const res = await call('POST', `/ticketing/tickets/B-1/${action}`, body);
      expect([action, res.status, fields(res)]).toEqual([action, 400, [field]]);
    }
    // B-1 is as it was created: no change entered it.
    const { body } = await call<Ticket>('GET', '/ticketing/tickets/B-1');
    expect(body).toMatchObject({ state: 'new', assignee: null, priority: 'normal', queue: 'urgent-q', articles: before.articles, version: before.version });
  });

  it('refuses a path or query that breaks its rule, naming it', async () => {
    expect(fields(await call('GET', `/ticketing/tickets/${encodeURIComponent('a b')}`))).toEqual(['ticketId']);
    expect(fields(await call('GET', `/ticketing/tickets/${'x'.repeat(65)}/sla`))).toEqual(['ticketId']);
    expect(fields(await call('GET', `/ticketing/queues/${encodeURIComponent("q' OR 'a'='a")}/breaching`))).toEqual(['queue']);
    expect(fields(await call('GET', '/ticketing/queues/urgent-q/breaching?limit=0'))).toEqual(['limit']);
    expect(fields(await call('GET', '/ticketing/queues/urgent-q/breaching?nextPageToken=not+a+token'))).toEqual(['nextPageToken']);
    const forged = await call<Problem>('GET', '/ticketing/queues/urgent-q/breaching?nextPageToken=AAAA');
    expect([forged.status, fields(forged)]).toEqual([400, ['nextPageToken']]);
  });

  it('refuses a configuration naming what it does not define, and keeps the version', async () => {
    const before = (await call<{ version: number }>('GET', '/ticketing/config')).body.version;
    const res = await call('PUT', '/ticketing/config', { ...config, rules: [{ id: 'r', calendar: 'nowhere', targets: { solution: 5 } }] });
    expect([res.status, fields(res)]).toEqual([400, ['rules.0.calendar']]);
    expect((await call<{ version: number }>('GET', '/ticketing/config')).body.version).toBe(before);
  });

  it('415 for a body that is not JSON', async () => {
    const res = await call<Problem>('POST', '/ticketing/tickets', 'ticketId=x', WRITE, 'application/x-www-form-urlencoded');
    expect(res.status).toBe(415);
    expect(res.body.detail).toBe('bodies are application/json');
  });
});

describe('a ticket through the API', () => {
  it('is created once: the same create again answers the same ticket', async () => {
    const first = await call<Ticket>('POST', '/ticketing/tickets', ticketInput('T-1'));
    expect(first.status).toBe(200);
    expect(first.headers.get('location')).toBe('/api/v0/ticketing/tickets/T-1');
    expect(first.body).toMatchObject({ ticketId: 'T-1', queue: 'support', priority: 'normal', state: 'new', policyId: 'normal', assignee: null });
    const again = await call<Ticket>('POST', '/ticketing/tickets', ticketInput('T-1'));
    expect(again.status).toBe(200);
    expect(again.body.createdAt).toBe(first.body.createdAt);
    expect(again.body.version).toBe(first.body.version);
  });

  it('reads it, and its SLA clocks', async () => {
    const { status, body } = await call<Ticket>('GET', '/ticketing/tickets/T-1');
    expect(status).toBe(200);
    expect(body).toMatchObject({ ticketId: 'T-1', state: 'new' });
    const sla = await call<{ ticketId: string; policyId: string; clocks: Clock[] }>('GET', '/ticketing/tickets/T-1/sla');
    expect(sla.status).toBe(200);
    expect(sla.body.policyId).toBe('normal');
    expect(sla.body.clocks.map((c) => [c.clock, c.status, c.targetMs, c.breached])).toEqual([
      ['firstResponse', 'running', 3_600_000, false],
      ['solution', 'running', 36_000_000, false],
    ]);
    expect(Date.parse(sla.body.clocks[0]!.dueAt!)).toBeGreaterThan(Date.now());
  });

  it('takes each change as its Update and answers the new state', async () => {
    const assigned = await call<Ticket>('POST', '/ticketing/tickets/T-1/assign', { assignee: 'alice' });
    expect([assigned.status, assigned.body.assignee]).toEqual([200, 'alice']);
    const priority = await call<Ticket>('POST', '/ticketing/tickets/T-1/change-priority', { priority: 'high' });
    expect([priority.status, priority.body.priority]).toEqual([200, 'high']);
    const queue = await call<Ticket>('POST', '/ticketing/tickets/T-1/change-queue', { queue: 'billing' });
    expect([queue.status, queue.body.queue]).toEqual([200, 'billing']);
    const replied = await call<Ticket>('POST', '/ticketing/tickets/T-1/articles', { articleId: 'a-2', author: 'agent', authorId: 'alice', body: 'On it' });
    expect(replied.status).toBe(200);
    expect(replied.body.state).toBe('open');
    expect(replied.body.articles).toBe(1);
    expect(replied.body.clocks.find((c) => c.clock === 'firstResponse')?.status).toBe('met');
    const pending = await call<Ticket>('POST', '/ticketing/tickets/T-1/change-state', { state: 'pending', pendingUntil: new Date(Date.now() + 3_600_000).toISOString() });
    expect([pending.status, pending.body.state]).toEqual([200, 'pending']);
  });

  it('refuses a transition the state does not allow: 409 saying why, nothing recorded', async () => {
    const before = (await call<Ticket>('GET', '/ticketing/tickets/T-1')).body;
    const res = await call<Problem>('POST', '/ticketing/tickets/T-1/change-state', { state: 'new' });
    expect(res.status).toBe(409);
    expect(res.body.title).toBe('Conflict');
    expect(res.body.detail).toBe('a ticket cannot go back to new');
    const after = (await call<Ticket>('GET', '/ticketing/tickets/T-1')).body;
    expect(after.version).toBe(before.version);
    expect(after.state).toBe('pending');
  });

  it('404 for a ticket that does not exist, on reads and changes', async () => {
    expect((await call('GET', '/ticketing/tickets/NOPE')).status).toBe(404);
    expect((await call('GET', '/ticketing/tickets/NOPE/sla')).status).toBe(404);
    const res = await call<Problem>('POST', '/ticketing/tickets/NOPE/assign', { assignee: 'alice' });
    expect([res.status, res.body.detail]).toEqual([404, 'no such ticket']);
  });

  it('once closed: still read, but no change and no new ticket of its id (409)', async () => {
    expect((await call('POST', '/ticketing/tickets/T-1/change-state', { state: 'resolved' })).status).toBe(200);
    const waitAgain = await call<Problem>('POST', '/ticketing/tickets/T-1/change-state', { state: 'pending', pendingUntil: new Date(Date.now() + 60_000).toISOString() });
    expect([waitAgain.status, waitAgain.body.detail]).toEqual([409, 'a resolved ticket is reopened (open) before it waits again']);
    expect((await call<Ticket>('POST', '/ticketing/tickets/T-1/change-state', { state: 'closed' })).body.state).toBe('closed');
    const closed = await waitFor('T-1 to be read closed', async () => {
      const res = await call<Ticket>('GET', '/ticketing/tickets/T-1');
      return res.status === 200 && res.body.state === 'closed' && res.body;
    }, 20_000, 200);
    expect(closed.clocks.every((c) => c.status === 'met')).toBe(true);
    await waitFor('its workflow to have ended', async () => {
      const res = await call<Problem>('POST', '/ticketing/tickets/T-1/assign', { assignee: 'bob' });
      return res.status === 409 && /closed/.test(res.body.detail);
    }, 20_000, 200);
    const again = await call<Problem>('POST', '/ticketing/tickets', ticketInput('T-1'));
    expect(again.status).toBe(409);
    expect(again.body.detail).toBe("ticket T-1 is closed; a closed ticket's id is not used again");
  });
});

describe("a queue's breaching tickets", () => {
  it('lists the open tickets whose SLA breached, a page at a time', async () => {
    // Nothing breaches before the minute is up.
    const early = await call<{ tickets: unknown[] }>('GET', '/ticketing/queues/urgent-q/breaching');
    if (Date.now() - breachingCreatedAt < 55_000) expect(early.body.tickets).toEqual([]);
    const pages = await waitFor('both tickets to be listed as breaching', async () => {
      const ids: string[] = [];
      const seen: Body[] = [];
      let token: string | null = null;
      do {
        const res: CheckedResponse<{ queue: string; tickets: Body[]; nextPageToken: string | null }> = await call('GET', `/ticketing/queues/urgent-q/breaching?limit=1${token ? `&nextPageToken=${token}` : ''}`);
        expect(res.status).toBe(200);
        expect(res.body.tickets.length).toBeLessThanOrEqual(1);
        ids.push(...res.body.tickets.map((t) => String(t.ticketId)));
        seen.push(...res.body.tickets);
        token = res.body.nextPageToken;
      } while (token);
      return ids.length === 2 && seen;
    }, 90_000, 500);
    expect(pages.map((t) => t.ticketId).sort()).toEqual(['B-1', 'B-2']);
    for (const t of pages) expect(t).toMatchObject({ workflowId: `ticket-${String(t.ticketId)}`, priority: 'normal', state: 'new', slaDueAt: expect.any(String) });
    for (const t of pages) expect(Date.parse(String(t.slaDueAt))).toBeLessThan(Date.now());
    // Another queue's list does not show them; the SLA route says which clock breached.
    expect((await call<{ tickets: unknown[] }>('GET', '/ticketing/queues/support/breaching')).body.tickets).toEqual([]);
    const sla = await call<{ clocks: Clock[] }>('GET', '/ticketing/tickets/B-1/sla');
    expect(sla.body.clocks.find((c) => c.clock === 'firstResponse')).toMatchObject({ breached: true });
  }, 120_000);
});
