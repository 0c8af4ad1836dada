import { readChanges, readSlaEvents, readTicketRow } from '@fleet/ticketing-data-access/testing';
import {
  ticketAddArticleUpdate,
  ticketAssignUpdate,
  ticketChangeStateUpdate,
  ticketStateQuery,
  ticketWorkflowId,
  type CreateTicketInput,
  type TicketingConfigInput,
} from '@fleet/ticketing-contracts';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { ticketingTestEnv, type TicketingTestEnv } from './harness';
import { recordHistory } from './histories';
import { configure, createTicket } from './tickets';

const always = { timeZone: 'UTC', week: Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((d) => [d, [{ start: '00:00', end: '24:00' }]])) };

/** 24/7, first response 1 minute with a warning at 2% (1.2 s), solution 10 minutes. */
const config: TicketingConfigInput = {
  calendars: { always },
  rules: [{ id: 'fast', calendar: 'always', targets: { firstResponse: 1, solution: 10 }, warnings: { percent: [2], leadMinutes: [] } }],
  agents: { alice: { email: 'alice@example.test' } },
};

describe('ticket lifecycle on the real worker', () => {
  let env: TicketingTestEnv;
  beforeAll(async () => {
    env = await ticketingTestEnv('ticket-lifecycle');
    await env.startWorker();
    await configure(env.ctx.client, 'ticketing', config);
  });
  afterAll(() => env.close());

  it('creates idempotently, refuses what the state forbids, counts SLAs and ends when closed', async () => {
    const { client } = env.ctx;
    const input: CreateTicketInput = { ticketId: 'T-1', queue: 'support', priority: 'normal', subject: 'Printer on fire', body: 'help', customer: { id: 'c-1' } };
    const first = await createTicket(client, 'ticketing', input);
    const again = await createTicket(client, 'ticketing', input);
    expect(first.state).toBe('new');
    expect(again.createdAt).toBe(first.createdAt);
    expect(first.policyId).toBe('fast');
    expect(first.clocks.map((c) => [c.clock, c.status, c.targetMs])).toEqual([
      ['firstResponse', 'running', 60_000],
      ['solution', 'running', 600_000],
    ]);
    const handle = client.workflow.getHandle(ticketWorkflowId('T-1'));
    // Reopening a ticket that is not resolved is no change; new is never a target.
    await expect(handle.executeUpdate(ticketChangeStateUpdate, { args: [{ state: 'new' }] })).rejects.toThrow(WorkflowUpdateFailedError);
    // Bad input is refused by the validator, naming the field.
    await expect(handle.executeUpdate(ticketAssignUpdate, { args: [{ assignee: 'al ice' }] })).rejects.toMatchObject({ cause: { message: expect.stringContaining('assignee: only letters, digits') } });
    const assigned = await handle.executeUpdate(ticketAssignUpdate, { args: [{ assignee: 'alice' }] });
    expect(assigned.assignee).toBe('alice');
    // The 2% warning (1.2 s) fires once.
    await waitFor(async () => (await readSlaEvents(env.db, 'T-1')).length >= 1);
    const replied = await handle.executeUpdate(ticketAddArticleUpdate, { args: [{ articleId: 'a-1', author: 'agent', authorId: 'alice', body: 'On it' }] });
    expect(replied.state).toBe('open');
    expect(replied.clocks.find((c) => c.clock === 'firstResponse')?.status).toBe('met');
    const pending = await handle.executeUpdate(ticketChangeStateUpdate, { args: [{ state: 'pending', pendingUntil: new Date(Date.now() + 3_600_000).toISOString() }] });
    const solution = pending.clocks.find((c) => c.clock === 'solution');
    expect(solution?.paused).toBe(true);
    const resolved = await handle.executeUpdate(ticketChangeStateUpdate, { args: [{ state: 'resolved' }] });
    expect(resolved.clocks.every((c) => c.status === 'met')).toBe(true);
    await handle.executeUpdate(ticketChangeStateUpdate, { args: [{ state: 'closed' }] });
    const final = await handle.result();
    expect(final.state).toBe('closed');
    const query = await handle.query(ticketStateQuery);
    expect(query.state).toBe('closed');
    await recordHistory(client, ticketWorkflowId('T-1'), 'ticket-lifecycle-closed');
    await waitFor(async () => (await readTicketRow(env.db, 'T-1'))?.state === 'closed');
    const changes = await readChanges(env.db, 'T-1');
    expect(changes.map((c) => c.seq)).toEqual(changes.map((_, i) => i + 1));
    const events = await readSlaEvents(env.db, 'T-1');
    // Solution's 2% (12 s) was not reached: paused while pending, then met on resolve.
    expect(events.map((e) => `${e.clock}/${e.threshold}`).sort()).toEqual(['firstResponse/met', 'firstResponse/percent:2', 'solution/met']);
    const warning = events.find((e) => e.threshold === 'percent:2');
    expect(warning!.fired_at.getTime() - warning!.due_at.getTime()).toBeLessThan(1_000);
  });
});

async function waitFor(check: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 100));
  }
}
