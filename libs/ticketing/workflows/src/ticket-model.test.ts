import { parseCalendar } from '@fleet/ticketing-business-time';
import type { ResolvedPolicy, SlaRule, TicketChange } from '@fleet/ticketing-contracts';
import { slaRuleSchema } from '@fleet/ticketing-contracts';
import { TicketModel } from './ticket-model';

const MIN = 60_000;
const t0 = Date.parse('2026-03-02T09:00:00Z'); // a Monday
const officeHours = parseCalendar({ timeZone: 'UTC', week: Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri'].map((d) => [d, [{ start: '09:00', end: '17:00' }]])) });

function policy(rule: Partial<SlaRule> & Pick<SlaRule, 'targets'>, version = 1): ResolvedPolicy {
  const { calendar: _c, ...parsed } = slaRuleSchema.parse({ id: 'r', calendar: 'office', ...rule });
  return { version, rule: { ...parsed, calendarName: 'office', calendar: officeHours }, lifecycle: { reopenWindowMinutes: 60, pendingAutoCloseMinutes: 120 } };
}

function newTicket(p: ResolvedPolicy): TicketModel {
  const m = TicketModel.create({ ticketId: 'T', queue: 'q', priority: 'normal', subject: 's', body: 'b', customer: { id: 'c' } }, t0);
  m.applyPolicy(p, t0);
  return m;
}

const slaEvents = (m: TicketModel) => m.unrecorded.filter((c): c is Extract<TicketChange, { kind: 'sla' }> => c.kind === 'sla').map((c) => `${c.clock}/${c.cycle}/${c.threshold}@${c.at}`);

describe('TicketModel', () => {
  it('fires each threshold once, at its business time (overnight excluded)', () => {
    const m = newTicket(policy({ targets: { solution: 600 } })); // 10 business hours: Monday 09:00 -> Tuesday 11:00
    expect(new Date(m.nextWake(t0)!).toISOString()).toBe('2026-03-02T16:30:00.000Z'); // 75% = 7.5 h
    m.advance(Date.parse('2026-03-03T12:00:00Z'));
    m.advance(Date.parse('2026-03-03T13:00:00Z'));
    expect(slaEvents(m)).toEqual(['solution/1/percent:75@2026-03-03T12:00:00.000Z', 'solution/1/breach@2026-03-03T12:00:00.000Z']);
    const breach = m.unrecorded.find((c) => c.kind === 'sla' && c.threshold === 'breach');
    expect(breach && breach.kind === 'sla' && breach.dueAt).toBe('2026-03-03T11:00:00.000Z');
  });

  it('credits a pause: the due time moves by the business time spent pending', () => {
    const m = newTicket(policy({ targets: { solution: 240 } })); // due Monday 13:00
    m.changeState('pending', t0 + 60 * MIN, t0 + 24 * 60 * MIN); // pending 10:00-12:00
    expect(m.nextWake(t0 + 60 * MIN)).toBe(t0 + 24 * 60 * MIN); // only the reminder is due
    m.changeState('open', t0 + 180 * MIN);
    const solution = m.view(t0 + 180 * MIN).clocks.find((c) => c.clock === 'solution')!;
    expect(solution.elapsedMs).toBe(60 * MIN);
    expect(solution.dueAt).toBe('2026-03-02T15:00:00.000Z');
  });

  it('keeps elapsed business time when a change re-targets the clock', () => {
    const m = newTicket(policy({ targets: { solution: 480 } }));
    m.applyPolicy(policy({ targets: { solution: 120 } }, 2), t0 + 90 * MIN);
    const solution = m.view(t0 + 90 * MIN).clocks.find((c) => c.clock === 'solution')!;
    expect([solution.elapsedMs, solution.targetMs, solution.dueAt]).toEqual([90 * MIN, 120 * MIN, '2026-03-02T11:00:00.000Z']);
  });

  it('escalates once per level while the clock runs, and stops when resolved', () => {
    const m = newTicket(
      policy({
        targets: { solution: 60 },
        escalations: [
          { level: 1, clock: 'solution', on: 'breach', afterMinutes: 0, notify: { agent: 'lead' } },
          { level: 2, clock: 'solution', on: 'breach', afterMinutes: 30, notify: { agent: 'manager' }, reassignTo: 'manager' },
        ],
      }),
    );
    const sent = [...m.advance(t0 + 61 * MIN), ...m.advance(t0 + 62 * MIN)];
    expect(sent.map((n) => n.request.notificationId)).toEqual(['T/escalation/solution/1/1']);
    m.changeState('resolved', t0 + 70 * MIN);
    expect(m.advance(t0 + 200 * MIN)).toEqual([]);
    expect(m.view(t0 + 200 * MIN).escalations.map((e) => e.level)).toEqual([1]);
  });

  it('starts next update on a customer reply after the first response, and a new solution cycle on reopen', () => {
    const m = newTicket(policy({ targets: { firstResponse: 30, nextUpdate: 60, solution: 240 } }));
    m.addArticle({ articleId: 'a1', author: 'customer', authorId: 'c', body: 'more', internal: false }, t0 + MIN);
    expect(m.view(t0 + MIN).clocks.map((c) => c.clock)).toEqual(['firstResponse', 'solution']);
    m.addArticle({ articleId: 'a2', author: 'agent', authorId: 'x', body: 'hi', internal: false }, t0 + 2 * MIN);
    m.addArticle({ articleId: 'a3', author: 'customer', authorId: 'c', body: 'still?', internal: false }, t0 + 3 * MIN);
    expect(m.view(t0 + 3 * MIN).clocks.map((c) => `${c.clock}:${c.status}`)).toEqual(['firstResponse:met', 'nextUpdate:running', 'solution:running']);
    m.changeState('resolved', t0 + 10 * MIN);
    expect(m.refuseChangeState('open', t0 + 80 * MIN)).toMatch(/reopen window closed/);
    expect(m.refuseChangeState('open', t0 + 20 * MIN)).toBeNull();
    m.changeState('open', t0 + 20 * MIN);
    expect(m.view(t0 + 20 * MIN).clocks.find((c) => c.clock === 'solution')).toMatchObject({ cycle: 2, status: 'running', elapsedMs: 0 });
  });

  it('stops every clock when the rule goes away (a disabled policy leaves nothing pending)', () => {
    const m = newTicket(policy({ targets: { solution: 60 }, escalations: [{ level: 1, clock: 'solution', on: 'warning', afterMinutes: 0, notify: { role: 'assignee' } }] }));
    m.applyPolicy({ version: 2, rule: null, lifecycle: { reopenWindowMinutes: 60, pendingAutoCloseMinutes: 120 } }, t0 + 10 * MIN);
    expect(m.nextWake(t0 + 10 * MIN)).toBeNull();
    expect(m.advance(t0 + 100 * MIN)).toEqual([]);
    expect(m.view(t0 + 100 * MIN).clocks.map((c) => c.status)).toEqual(['stopped']);
  });
});
