import {
  LICENSE_TASK_QUEUE,
  LICENSE_WORKFLOW_TYPES,
  licenseRenewalWorkflowId,
  type LicenseRenewalInput,
  type LicenseRenewalResult,
  type RenewalRemindersInput,
  type RenewalRemindersSummary,
} from '@fleet/license-contracts';
import { licenseState, seedAgents } from '@fleet/license-data-access/testing';
import { sql } from 'kysely';
import { randomUUID } from 'node:crypto';
import { recordHistory } from './histories';
import { licenseTestEnv, type LicenseTestEnv } from './harness';

let env: LicenseTestEnv;

beforeAll(async () => {
  env = await licenseTestEnv('reminders-renewal');
  await env.startWorker();
});
afterAll(() => env.close());

/** Runs a license workflow to its end on the real worker, recording its history when asked. */
async function run<R>(type: string, workflowId: string, input: unknown, record?: string): Promise<R> {
  const result = await env.ctx.client.workflow.execute(type, { taskQueue: LICENSE_TASK_QUEUE, workflowId, args: [input] });
  if (record) await recordHistory(env.ctx.client, workflowId, record);
  return result as R;
}

const runReminders = (input: RenewalRemindersInput, record?: string) =>
  run<RenewalRemindersSummary>(LICENSE_WORKFLOW_TYPES.reminders, `reminders-${randomUUID()}`, input, record);

const renew = (input: LicenseRenewalInput, record?: string) =>
  run<LicenseRenewalResult>(LICENSE_WORKFLOW_TYPES.renewal, licenseRenewalWorkflowId(input.licenseId, input.renewalDate), input, record);

async function reminderKeys(prefix: string): Promise<string[]> {
  const { rows } = await sql<{ idempotency_key: string }>`
    SELECT idempotency_key FROM notifications
    WHERE template = 'LICENSE_RENEWAL_REMINDER' AND agent_id LIKE ${`${prefix}%`} ORDER BY idempotency_key`.execute(env.db);
  return rows.map((r) => r.idempotency_key);
}

describe('renewal reminders', () => {
  beforeAll(async () => {
    // Days left on 2026-06-01: 30, 19, 15, 7, 0, 34, -2, and 9 for a deactivated agent.
    const licenses: [string, string][] = [
      ['RMA', '2026-07-01'],
      ['RMB', '2026-06-20'],
      ['RMC', '2026-06-16'],
      ['RMD', '2026-06-08'],
      ['RME', '2026-06-01'],
      ['RMF', '2026-07-05'],
      ['RMG', '2026-05-30'],
    ];
    for (const [prefix, renewalDate] of licenses) await seedAgents(env.db, { prefix, count: 1, renewalDate });
    await seedAgents(env.db, { prefix: 'RMH', count: 1, renewalDate: '2026-06-10', status: 'DEACTIVATED', statusReason: 'FRAUD' });
  });

  it('queues the reminder each license is due, once, across pages', async () => {
    const summary = await runReminders({ runDate: '2026-06-01', batchSize: 2 }, 'reminders');
    expect(summary).toMatchObject({ runDate: '2026-06-01', offsetsDays: [30, 15, 7], licensesScanned: 5, remindersQueued: 5, pages: 3 });
    expect(await reminderKeys('RM')).toEqual([
      'license-reminder:LIC-RMA00000000:2026-07-01:30',
      'license-reminder:LIC-RMB00000000:2026-06-20:30',
      'license-reminder:LIC-RMC00000000:2026-06-16:15',
      'license-reminder:LIC-RMD00000000:2026-06-08:7',
      'license-reminder:LIC-RME00000000:2026-06-01:7',
    ]);
    const again = await runReminders({ runDate: '2026-06-01', batchSize: 2 });
    expect(again.remindersQueued).toBe(0);
  });

  it('sends the next reminder when a license crosses the next offset, and only that one', async () => {
    // On 2026-06-09: RMB has 11 days left (the 15-day reminder), RMC 7 (the 7-day one), RMF 26 (30).
    const summary = await runReminders({ runDate: '2026-06-09' });
    expect(summary.remindersQueued).toBe(3);
    const keys = await reminderKeys('RM');
    expect(keys).toEqual(
      expect.arrayContaining([
        'license-reminder:LIC-RMB00000000:2026-06-20:15',
        'license-reminder:LIC-RMC00000000:2026-06-16:7',
        'license-reminder:LIC-RMF00000000:2026-07-05:30',
      ]),
    );
    expect(keys).toHaveLength(8);
  });

  it('takes configurable offsets', async () => {
    await seedAgents(env.db, { prefix: 'RMX', count: 1, renewalDate: '2026-09-30' });
    const summary = await runReminders({ runDate: '2026-09-27', offsetsDays: [3] });
    expect(summary.remindersQueued).toBe(1);
    expect(await reminderKeys('RMX')).toEqual(['license-reminder:LIC-RMX00000000:2026-09-30:3']);
  });
});

describe('reinstatement on renewal', () => {
  beforeAll(async () => {
    await seedAgents(env.db, { prefix: 'REA', count: 1, renewalDate: '2025-01-01' });
    await seedAgents(env.db, { prefix: 'RES', count: 1, renewalDate: '2025-01-01', status: 'SUSPENDED', statusReason: 'AUDIT', portalEnabled: false });
    await seedAgents(env.db, { prefix: 'RET', count: 1, renewalDate: '2025-01-01' });
    await sql`INSERT INTO agent_licenses (license_id, agent_id, license_number, renewal_date)
              VALUES ('LIC-RET-B', 'RET00000000', 'IRDAI-RET-B', '2025-02-01')`.execute(env.db);
    await env.ctx.client.workflow.execute(LICENSE_WORKFLOW_TYPES.deactivation, {
      taskQueue: LICENSE_TASK_QUEUE,
      workflowId: `deactivation-before-renewal-${randomUUID()}`,
      args: [{ batchDate: '2025-06-01' }],
    });
    expect((await licenseState(env.db, 'REA00000000')).status).toBe('DEACTIVATED');
  });

  it('reverses exactly what deactivation did, with history, notification and audit', async () => {
    const result = await renew({ licenseId: 'LIC-REA00000000', renewalDate: '2026-01-01', asOfDate: '2025-06-10' }, 'renewal');
    expect(result).toEqual({
      licenseId: 'LIC-REA00000000',
      agentId: 'REA00000000',
      renewalDate: '2026-01-01',
      renewed: true,
      reinstated: true,
      restoredStatus: 'ACTIVE',
      portalAccessRestored: true,
      commissionRestored: true,
    });
    expect(await licenseState(env.db, 'REA00000000')).toEqual({
      status: 'ACTIVE',
      statusReason: 'LICENSE_RENEWED',
      portalEnabled: true,
      commission: 'ACTIVE',
      notifications: ['LICENSE_DEACTIVATED', 'LICENSE_REINSTATED'],
      history: [
        { from: 'ACTIVE', to: 'DEACTIVATED', reason: 'LICENSE_EXPIRED' },
        { from: 'DEACTIVATED', to: 'ACTIVE', reason: 'LICENSE_RENEWED' },
      ],
    });
    const audit = await env.db
      .selectFrom('batch_operations')
      .selectAll()
      .where('batch_id', '=', licenseRenewalWorkflowId('LIC-REA00000000', '2026-01-01'))
      .executeTakeFirstOrThrow();
    expect(audit).toMatchObject({ operation: 'LICENSE_REINSTATEMENT', status: 'COMPLETED', summary: result });
  });

  it('a repeated renewal request changes nothing and answers the same', async () => {
    const again = await renew({ licenseId: 'LIC-REA00000000', renewalDate: '2026-01-01', asOfDate: '2025-06-10' });
    expect(again.reinstated).toBe(true);
    const state = await licenseState(env.db, 'REA00000000');
    expect(state.history).toHaveLength(2);
    expect(state.notifications).toHaveLength(2);
  });

  it('restores the status the agent had, and leaves off what deactivation did not turn off', async () => {
    const result = await renew({ licenseId: 'LIC-RES00000000', renewalDate: '2026-01-01', asOfDate: '2025-06-10' });
    expect(result).toMatchObject({ reinstated: true, restoredStatus: 'SUSPENDED', portalAccessRestored: false, commissionRestored: true });
    expect(await licenseState(env.db, 'RES00000000')).toMatchObject({ status: 'SUSPENDED', portalEnabled: false, commission: 'ACTIVE' });
  });

  it('does not reinstate while another license of the agent is still expired', async () => {
    const result = await renew({ licenseId: 'LIC-RET00000000', renewalDate: '2026-01-01', asOfDate: '2025-06-10' });
    expect(result).toMatchObject({ renewed: true, reinstated: false });
    expect((await licenseState(env.db, 'RET00000000')).status).toBe('DEACTIVATED');
    const last = await renew({ licenseId: 'LIC-RET-B', renewalDate: '2026-02-01', asOfDate: '2025-06-10' });
    expect(last).toMatchObject({ renewed: true, reinstated: true });
    expect((await licenseState(env.db, 'RET00000000')).status).toBe('ACTIVE');
  });

  it('fails without retrying for a license that does not exist', async () => {
    await expect(renew({ licenseId: 'LIC-NOPE', renewalDate: '2026-01-01' })).rejects.toMatchObject({
      cause: { cause: { type: 'LicenseNotFound', message: 'license LIC-NOPE does not exist' } },
    });
  });
});
