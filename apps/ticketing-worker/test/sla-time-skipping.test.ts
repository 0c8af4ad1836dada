/**
 * SLAs that span days, in seconds: the real ticketing worker (its bundle, activities and database)
 * on Temporal's Java time-skipping test server. Each case moves the server's clock to a chosen
 * instant (`skipTo`: `env.sleep` fires every timer due on the way, at its own time), acts through the
 * same Updates the API sends, and checks what the worker recorded against instants computed by hand
 * from the calendar. Server time only moves when the test skips it; between skips it runs at wall
 * speed, so an action lands a few milliseconds after its nominal instant: the expected instants are
 * computed from the recorded ones (the ticket's createdAt, an Update's updatedAt) plus business time
 * counted by hand, and each is also checked to be within a second of its nominal instant.
 */
import './quiet-runtime';
import { createDb, migrateToLatest } from '@fleet/shared-db';
import { createLogger } from '@fleet/shared-observability';
import { startDomainWorker, type DomainWorker } from '@fleet/shared-worker';
import { ticketingMigrations, type TicketingDatabase } from '@fleet/ticketing-data-access';
import { readChanges, readEscalations, readInAppNotifications, readSlaEvents } from '@fleet/ticketing-data-access/testing';
import {
  ticketAssignUpdate,
  ticketChangePriorityUpdate,
  ticketChangeStateUpdate,
  ticketStateQuery,
  ticketWorkflowId,
  type TicketingConfigInput,
  type TicketView,
} from '@fleet/ticketing-contracts';
import { createTestContext, timeSkippingEnv, waitFor, workerTestEnv, type TestContext } from '@fleet/tools-infra/testing';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Kysely } from 'kysely';
import { loadConfig } from '../src/config';
import { ticketingWorker } from '../src/worker';
import { clockOf, configure, createTicket, ticketInput, weekdays } from './tickets';

const HOUR = 3_600_000;
const Q = 'ticketing';

/** 9 to 17 in New York, Monday to Friday, US public holidays (date-holidays, pinned with the code). */
const newYork = { timeZone: 'America/New_York', week: weekdays('09:00', '17:00'), holidays: { country: 'US' } };
/** 9 to 17 UTC, Monday to Friday, no holidays: instants easy to count by hand. */
const utc = { timeZone: 'UTC', week: weekdays('09:00', '17:00') };

const rules: TicketingConfigInput['rules'] = [
  // 3 business days (24 business hours); warnings at 75% (18 h) and 2 h before the breach.
  { id: 'holiday', match: { queues: ['holiday'] }, calendar: 'newYork', targets: { solution: 3 * 8 * 60 }, warnings: { percent: [75], leadMinutes: [120] } },
  // 2 business days, a warning at half; pending pauses solution (the default).
  { id: 'pause', match: { queues: ['pause'] }, calendar: 'utc', targets: { solution: 2 * 8 * 60 }, warnings: { percent: [50], leadMinutes: [] } },
  // Urgent: 1 business day, a warning an hour before; otherwise 3 business days, a warning at 90%.
  { id: 'prio-urgent', match: { queues: ['prio'], priorities: ['urgent'] }, calendar: 'utc', targets: { solution: 8 * 60 }, warnings: { percent: [], leadMinutes: [60] } },
  { id: 'prio', match: { queues: ['prio'] }, calendar: 'utc', targets: { solution: 3 * 8 * 60 }, warnings: { percent: [90], leadMinutes: [] } },
  { id: 'reopen', match: { queues: ['reopen'] }, calendar: 'utc', targets: { solution: 8 * 60 }, warnings: { percent: [50], leadMinutes: [] } },
  {
    id: 'ladder',
    match: { queues: ['ladder'] },
    calendar: 'utc',
    targets: { solution: 8 * 60 },
    warnings: { percent: [75], leadMinutes: [] },
    escalations: [
      { level: 1, clock: 'solution', on: 'warning', notify: { role: 'assignee' } },
      { level: 2, clock: 'solution', on: 'breach', notify: { agent: 'lead' } },
      { level: 3, clock: 'solution', on: 'breach', afterMinutes: 60, notify: { agent: 'manager' }, reassignTo: 'manager' },
    ],
  },
  {
    id: 'disable',
    match: { queues: ['disable'] },
    calendar: 'utc',
    targets: { solution: 8 * 60 },
    warnings: { percent: [50], leadMinutes: [] },
    escalations: [{ level: 1, clock: 'solution', on: 'warning', afterMinutes: 120, notify: { agent: 'lead' } }],
  },
];

/** Agents without addresses: their notifications land in-app (PostgreSQL), where the test reads them. */
const config: TicketingConfigInput = { calendars: { newYork, utc }, rules, agents: { alice: {}, bob: {}, lead: {}, manager: {} } };

const iso = (ms: number) => new Date(ms).toISOString();
const ms = (at: string | Date) => (typeof at === 'string' ? Date.parse(at) : at.getTime());

describe('SLA clocks across days on the time-skipping server', () => {
  let env: TestWorkflowEnvironment;
  let ctx: TestContext;
  let db: Kysely<TicketingDatabase>;
  let worker: DomainWorker;
  const realStart = Date.now();

  beforeAll(async () => {
    env = await timeSkippingEnv();
    ctx = await createTestContext('sla-time-skipping');
    db = createDb<TicketingDatabase>(ctx.databaseUrl);
    await migrateToLatest(db, ticketingMigrations);
    // The real worker, its database this file's own, its Temporal the time-skipping server.
    const workerConfig = loadConfig({ ...workerTestEnv(ctx), TEMPORAL_ADDRESS: env.address, TEMPORAL_NAMESPACE: env.namespace ?? 'default', WORKFLOW_BUNDLE: ctx.bundle('ticketing-worker') });
    // The test server has no OperatorService (ListSearchAttributes is UNIMPLEMENTED), so the worker is
    // started without the manifest's search attributes to register; the tickets here set none anyway.
    const withoutAttributes = { ...ticketingWorker, manifest: { ...ticketingWorker.manifest, searchAttributes: {} } };
    worker = await startDomainWorker(withoutAttributes, workerConfig, createLogger('ticketing-worker', 'fatal'));
    await configure(env.client, Q, config);
  }, 5 * 60_000);

  afterAll(async () => {
    await worker?.stop();
    await db?.destroy();
    await ctx?.close();
    await env?.teardown();
    console.log(`sla-time-skipping: ${((Date.now() - realStart) / 1000).toFixed(1)} s of wall time`);
  });

  /** Moves the server's clock forward to `at` (ISO), firing every timer due on the way. */
  async function skipTo(at: string): Promise<void> {
    const now = await env.currentTimeMs();
    const target = Date.parse(at);
    if (target <= now) throw new Error(`cannot skip back to ${at}: the server is at ${iso(now)}`);
    await env.sleep(target - now);
  }

  const handle = (ticketId: string) => env.client.workflow.getHandle(ticketWorkflowId(ticketId));
  const query = (ticketId: string) => handle(ticketId).query(ticketStateQuery);

  /** The SLA events recorded so far, as `clock/cycle/threshold`, each with its due and fire instants. */
  async function events(ticketId: string) {
    return (await readSlaEvents(db, ticketId)).map((e) => ({ key: `${e.clock}/${e.cycle}/${e.threshold}`, dueAt: ms(e.due_at), firedAt: ms(e.fired_at) }));
  }

  /** Waits until the recorded events include `keys`; answers them all. */
  function eventsWith(ticketId: string, keys: string[]) {
    return waitFor(`${ticketId}: ${keys.join(', ')}`, async () => {
      const all = await events(ticketId);
      return keys.every((k) => all.some((e) => e.key === k)) && all;
    });
  }

  /** One event per key, due at its expected instant (exactly) and fired at it (within the server's ms of processing). */
  function expectFired(all: Awaited<ReturnType<typeof events>>, key: string, dueAt: number, nominal: string) {
    const found = all.filter((e) => e.key === key);
    expect(found.map((e) => e.key)).toEqual([key]);
    const [e] = found;
    expect({ key, dueAt: iso(e!.dueAt) }).toEqual({ key, dueAt: iso(dueAt) });
    expect(Math.abs(dueAt - Date.parse(nominal))).toBeLessThan(1_000);
    expect(e!.firedAt - e!.dueAt).toBeGreaterThanOrEqual(0);
    expect(e!.firedAt - e!.dueAt).toBeLessThan(1_000);
  }

  it('breaches a 3-business-day target across the Labor Day weekend at the instant counted by hand, each threshold once', async () => {
    const started = Date.now();
    // Friday 3 September 2027, 13:00 in New York (EDT, UTC-4); Monday 6 September is Labor Day.
    await skipTo('2027-09-03T17:00:00Z');
    const created = await createTicket(env.client, Q, ticketInput('LD-1', { queue: 'holiday' }));
    expect(created.policyId).toBe('holiday');
    const t0 = ms(created.createdAt);
    const drift = t0 - Date.parse('2027-09-03T17:00:00Z');
    expect(drift).toBeGreaterThanOrEqual(0);
    expect(drift).toBeLessThan(1_000);
    // By hand: Fri 13-17 (4 h); Sat, Sun, Labor Day off; Tue 9-17 (12 h); Wed 9-17 (20 h); Thu 9-13 (24 h).
    // 75% = 18 h: Wed 15:00 EDT. Lead 120 min = 22 h: Thu 11:00 EDT. Breach: Thu 13:00 EDT.
    const due = { warning: '2027-09-08T19:00:00Z', lead: '2027-09-09T15:00:00Z', breach: '2027-09-09T17:00:00Z' };
    const solution = clockOf(created, 'solution');
    expect(solution.dueAt).toBe(iso(Date.parse(due.breach) + drift));
    expect(solution.targetMs).toBe(24 * HOUR);

    // Just before the warning, across the holiday weekend: nothing has fired. (The query's elapsedMs is
    // not checked here: a query computes it at the workflow's last activation, which was the creation.)
    await skipTo('2027-09-08T18:59:00Z');
    expect(await events('LD-1')).toEqual([]);
    expect(clockOf(await query('LD-1'), 'solution')).toMatchObject({ status: 'running', warning: false, breached: false, dueAt: iso(Date.parse(due.breach) + drift) });
    // Past the breach, and a day on: each threshold fired once, at its instant.
    await skipTo('2027-09-09T17:00:30Z');
    await eventsWith('LD-1', ['solution/1/breach']);
    await skipTo('2027-09-10T12:00:00Z');
    const all = await events('LD-1');
    expect(all.map((e) => e.key)).toEqual(['solution/1/percent:75', 'solution/1/lead:120', 'solution/1/breach']);
    expectFired(all, 'solution/1/percent:75', Date.parse(due.warning) + drift, due.warning);
    expectFired(all, 'solution/1/lead:120', Date.parse(due.lead) + drift, due.lead);
    expectFired(all, 'solution/1/breach', Date.parse(due.breach) + drift, due.breach);
    const view = clockOf(await query('LD-1'), 'solution');
    expect(view).toMatchObject({ status: 'running', breached: true, warning: true });
    console.log(`Labor Day case: ${Date.now() - started} ms of wall time for 7 days of server time`);
  });

  it('pauses while pending: no threshold fires during the wait, each fires once after the resume at the business time left', async () => {
    // Monday 13 September 2027, 10:00 UTC; 16 business hours, the warning at 8.
    await skipTo('2027-09-13T10:00:00Z');
    const created = await createTicket(env.client, Q, ticketInput('P-1', { queue: 'pause' }));
    const t0 = ms(created.createdAt);
    // Unpaused it would warn on Tuesday 10:00 and breach on Wednesday 10:00.
    await skipTo('2027-09-13T14:00:00Z');
    const pending = await handle('P-1').executeUpdate(ticketChangeStateUpdate, { args: [{ state: 'pending', pendingUntil: '2027-09-15T12:00:00Z' }] });
    const pausedAt = ms(pending.updatedAt);
    const countedAtPause = pausedAt - t0; // all within Monday's window
    expect(clockOf(pending, 'solution')).toMatchObject({ paused: true, dueAt: null, elapsedMs: countedAtPause });
    // Through the night, Tuesday and Wednesday morning: the warning's and the breach's unpaused instants pass.
    await skipTo('2027-09-15T11:00:00Z');
    expect(await events('P-1')).toEqual([]);
    expect(clockOf(await query('P-1'), 'solution')).toMatchObject({ paused: true, elapsedMs: countedAtPause, warning: false, breached: false });
    const resumed = await handle('P-1').executeUpdate(ticketChangeStateUpdate, { args: [{ state: 'open' }] });
    const resumedAt = ms(resumed.updatedAt);
    // By hand: 8 h - counted by Wednesday 11:00 + (8 h - 4 h) = 15:00; the breach 12 h after the resume: Wed 11-17 (6 h), Thu 9-15.
    const warningAt = resumedAt + (8 * HOUR - countedAtPause);
    const breachAt = resumedAt + (16 * HOUR - countedAtPause) + 16 * HOUR; // and the 16 h night between Wed 17:00 and Thu 09:00
    expect(clockOf(resumed, 'solution')).toMatchObject({ paused: false, dueAt: iso(breachAt) });
    await skipTo('2027-09-17T12:00:00Z');
    const all = await events('P-1');
    expect(all.map((e) => e.key)).toEqual(['solution/1/percent:50', 'solution/1/breach']);
    expectFired(all, 'solution/1/percent:50', warningAt, '2027-09-15T15:00:00Z');
    expectFired(all, 'solution/1/breach', breachAt, '2027-09-16T15:00:00Z');
  });

  it('a priority change keeps the elapsed business time and re-targets: the new due is the new target less what was counted', async () => {
    // Monday 20 September 2027, 13:00 UTC, normal: 24 business hours, a warning at 90% (Thursday 10:36).
    await skipTo('2027-09-20T13:00:00Z');
    const created = await createTicket(env.client, Q, ticketInput('PR-1', { queue: 'prio' }));
    expect(created.policyId).toBe('prio');
    const t0 = ms(created.createdAt);
    await skipTo('2027-09-21T11:00:00Z');
    const changed = await handle('PR-1').executeUpdate(ticketChangePriorityUpdate, { args: [{ priority: 'urgent' }] });
    const changedAt = ms(changed.updatedAt);
    // Counted: Mon 13-17 and Tue 9-11 (6 h): the change instant less the ticket's start less the 16 h night.
    const counted = changedAt - t0 - 16 * HOUR;
    expect(changed.policyId).toBe('prio-urgent');
    const solution = clockOf(changed, 'solution');
    expect(solution).toMatchObject({ cycle: 1, targetMs: 8 * HOUR });
    // The answer counts up to when it was made, a few ms after the change (the rule is read between).
    expect(solution.elapsedMs - counted).toBeGreaterThanOrEqual(0);
    expect(solution.elapsedMs - counted).toBeLessThan(1_000);
    // Urgent: 8 h, 6 counted: the breach 2 h on (13:00), the lead warning an hour before it (12:00).
    const breachAt = changedAt + (8 * HOUR - counted);
    expect(solution.dueAt).toBe(iso(breachAt));
    // Past the normal rule's 90% and breach instants too (Thursday 10:36 and 13:00): they never fire.
    await skipTo('2027-09-24T12:00:00Z');
    const all = await events('PR-1');
    expect(all.map((e) => e.key)).toEqual(['solution/1/lead:60', 'solution/1/breach']);
    expectFired(all, 'solution/1/lead:60', breachAt - HOUR, '2027-09-21T12:00:00Z');
    expectFired(all, 'solution/1/breach', breachAt, '2027-09-21T13:00:00Z');
    const cycles = (await readChanges(db, 'PR-1')).filter((c) => c.kind === 'sla-cycle').map((c) => c.data as { cycle: number; targetMs: number });
    expect(cycles.map((c) => [c.cycle, c.targetMs])).toEqual([
      [1, 24 * HOUR],
      [1, 8 * HOUR],
    ]);
  });

  it('a reopened ticket starts a new solution cycle with its own thresholds; the first ends met', async () => {
    await skipTo('2027-09-27T10:00:00Z');
    await createTicket(env.client, Q, ticketInput('RO-1', { queue: 'reopen' }));
    await skipTo('2027-09-27T11:00:00Z');
    const resolved = await handle('RO-1').executeUpdate(ticketChangeStateUpdate, { args: [{ state: 'resolved' }] });
    expect(clockOf(resolved, 'solution')).toMatchObject({ cycle: 1, status: 'met', breached: false });
    // Resolved overnight: no threshold of cycle 1 fires (it would have warned at 14:00 and breached Tuesday 10:00).
    await skipTo('2027-09-28T10:00:00Z');
    const reopened = await handle('RO-1').executeUpdate(ticketChangeStateUpdate, { args: [{ state: 'open' }] });
    const reopenedAt = ms(reopened.updatedAt);
    expect(clockOf(reopened, 'solution')).toMatchObject({ cycle: 2, status: 'running', elapsedMs: 0, dueAt: iso(reopenedAt + 24 * HOUR) });
    await skipTo('2027-09-30T12:00:00Z');
    const all = await events('RO-1');
    expect(all.map((e) => e.key)).toEqual(['solution/1/met', 'solution/2/percent:50', 'solution/2/breach']);
    // Cycle 2: 4 h on (14:00), and 8 h: Tue 10-17 (7 h), Wed 9-10.
    expectFired(all, 'solution/2/percent:50', reopenedAt + 4 * HOUR, '2027-09-28T14:00:00Z');
    expectFired(all, 'solution/2/breach', reopenedAt + 24 * HOUR, '2027-09-29T10:00:00Z');
  });

  it('climbs the ladder (assignee at the warning, lead at the breach, manager an hour after with reassignment) and stops when resolved', async () => {
    // Monday 4 October 2027, 10:00 UTC: 8 business hours, the warning at 75% (16:00), the breach Tuesday 10:00.
    await skipTo('2027-10-04T10:00:00Z');
    const a = await createTicket(env.client, Q, ticketInput('ES-A', { queue: 'ladder' }));
    const b = await createTicket(env.client, Q, ticketInput('ES-B', { queue: 'ladder' }));
    await handle('ES-A').executeUpdate(ticketAssignUpdate, { args: [{ assignee: 'alice' }] });
    await handle('ES-B').executeUpdate(ticketAssignUpdate, { args: [{ assignee: 'bob' }] });
    const [ta, tb] = [ms(a.createdAt), ms(b.createdAt)];
    // B is resolved after its warning (level 1) and before its breach: levels 2 and 3 never fire.
    await skipTo('2027-10-04T16:30:00Z');
    await eventsWith('ES-B', ['solution/1/percent:75']);
    await handle('ES-B').executeUpdate(ticketChangeStateUpdate, { args: [{ state: 'resolved' }] });
    // A: the breach, then an hour on the manager gets it and the ticket; resolved at 12:00.
    await skipTo('2027-10-05T12:00:00Z');
    await waitFor('ES-A level 3', async () => (await readEscalations(db, 'ES-A')).length === 3);
    const resolvedA = await handle('ES-A').executeUpdate(ticketChangeStateUpdate, { args: [{ state: 'resolved' }] });
    expect(resolvedA.assignee).toBe('manager');
    // Days on: nothing more fires for either.
    await skipTo('2027-10-08T12:00:00Z');

    const ladder = async (ticketId: string) => (await readEscalations(db, ticketId)).map((e) => ({ level: e.level, cycle: e.cycle, notified: e.notified, reassignedTo: e.reassigned_to, firedAt: iso(ms(e.fired_at)) }));
    const warnA = ta + 6 * HOUR;
    const breachA = ta + 24 * HOUR;
    const firedA = await ladder('ES-A');
    expect(firedA.map(({ level, cycle, notified, reassignedTo }) => ({ level, cycle, notified, reassignedTo }))).toEqual([
      { level: 1, cycle: 1, notified: 'alice', reassignedTo: null },
      { level: 2, cycle: 1, notified: 'lead', reassignedTo: null },
      { level: 3, cycle: 1, notified: 'manager', reassignedTo: 'manager' },
    ]);
    const offsets = firedA.map((e) => Date.parse(e.firedAt) - [warnA, breachA, breachA + HOUR][e.level - 1]!);
    for (const off of offsets) {
      expect(off).toBeGreaterThanOrEqual(0);
      expect(off).toBeLessThan(1_000);
    }
    const firedB = await ladder('ES-B');
    expect(firedB.map((e) => [e.level, e.notified])).toEqual([[1, 'bob']]);
    expect(Date.parse(firedB[0]!.firedAt) - (tb + 6 * HOUR)).toBeLessThan(1_000);
    // Each level's notification delivered once, in-app (the agents have no addresses).
    await waitFor('the in-app notifications', async () => (await readInAppNotifications(db, 'manager')).length === 1);
    expect((await readInAppNotifications(db, 'alice')).map((n) => n.notification_id)).toEqual(['ES-A/escalation/solution/1/1']);
    expect((await readInAppNotifications(db, 'bob')).map((n) => n.notification_id)).toEqual(['ES-B/escalation/solution/1/1']);
    expect((await readInAppNotifications(db, 'lead')).map((n) => n.notification_id)).toEqual(['ES-A/escalation/solution/1/2']);
    expect((await readInAppNotifications(db, 'manager')).map((n) => n.notification_id)).toEqual(['ES-A/escalation/solution/1/3']);
    const assignments = (await readChanges(db, 'ES-A')).filter((c) => c.kind === 'assigned').map((c) => c.data as { to: string; by: string });
    expect(assignments.map((c) => [c.to, c.by])).toEqual([
      ['alice', 'agent'],
      ['manager', 'escalation'],
    ]);
    expect((await events('ES-B')).map((e) => e.key)).toEqual(['solution/1/percent:75', 'solution/1/met']);
  });

  it('disabling the rule by a configuration update clears the pending escalation and stops the clock', async () => {
    // Monday 11 October 2027, 10:00 UTC: the warning at 50% (14:00), level 1 two hours after it (16:00), the breach Tuesday 10:00.
    await skipTo('2027-10-11T10:00:00Z');
    await createTicket(env.client, Q, ticketInput('DS-1', { queue: 'disable' }));
    await skipTo('2027-10-11T15:00:00Z');
    await eventsWith('DS-1', ['solution/1/percent:50']);
    expect(await readEscalations(db, 'DS-1')).toEqual([]);
    const state = await configure(env.client, Q, { ...config, rules: rules.map((r) => (r.id === 'disable' ? { ...r, enabled: false } : r)) });
    await waitFor('the ticket to drop its rule', async () => (await query('DS-1')).policyId === null);
    expect(state.version).toBeGreaterThan(1);
    await skipTo('2027-10-13T12:00:00Z');
    expect(await readEscalations(db, 'DS-1')).toEqual([]);
    expect((await events('DS-1')).map((e) => e.key)).toEqual(['solution/1/percent:50', 'solution/1/stopped']);
    const view: TicketView = await query('DS-1');
    expect(view.escalations).toEqual([]);
    expect(clockOf(view, 'solution')).toMatchObject({ status: 'stopped', breached: false });
    expect(await readInAppNotifications(db, 'lead')).toHaveLength(1); // only ES-A's level 2, from the case before
  });
});
