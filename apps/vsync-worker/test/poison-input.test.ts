import { syntheticEntry } from '@fleet/vsync-dict-bridge/testing';
import { VSYNC_TASK_QUEUE, VSYNC_WORKFLOW_TYPES, type ReconciliationResult } from '@fleet/vsync-contracts';
import { ActivityFailure, ApplicationFailure, WorkflowFailedError } from '@temporalio/client';
import { sql } from 'kysely';
import { randomUUID } from 'node:crypto';
import { outboxEvents } from './events';
import { FAST, PARTICIPANT, vsyncTestEnv, type VsyncTestEnv } from './harness';
import { recordHistory } from './histories';

// Input a new user might send, started straight through Temporal (no API in front to refuse it):
// each run must end FAILED within seconds with a reason naming the field, never retry, and touch
// nothing. Before the workflows validated their input, `day: "2026-13-45"` reached PostgreSQL
// (22008) and the activity retried for ever.

let env: VsyncTestEnv;

beforeAll(async () => {
  env = await vsyncTestEnv('vsync-poison-input');
  await env.startWorker();
});
afterAll(async () => env?.close());

/** Starts a workflow, waits for its end, and reads back how it ended and what its history holds. */
async function runToEnd(type: string, input: unknown, workflowId = `poison-${randomUUID()}`) {
  const started = Date.now();
  const handle = await env.ctx.client.workflow.start(type, { taskQueue: VSYNC_TASK_QUEUE, workflowId, args: [input] });
  const error = await handle.result().then(
    () => undefined,
    (err: unknown) => err,
  );
  const elapsedMs = Date.now() - started;
  const { status } = await handle.describe();
  const events = (await handle.fetchHistory()).events ?? [];
  const scheduled = events.flatMap((e) => (e.activityTaskScheduledEventAttributes ? [e.activityTaskScheduledEventAttributes.activityType?.name ?? ''] : []));
  return {
    workflowId,
    error,
    elapsedMs,
    status: status.name,
    activitiesScheduled: scheduled,
    activityAttempts: events.flatMap((e) => (e.activityTaskStartedEventAttributes ? [e.activityTaskStartedEventAttributes.attempt ?? 1] : [])),
    workflowTaskFailures: events.filter((e) => e.workflowTaskFailedEventAttributes).length,
  };
}

describe('poison input fails its workflow at once, naming the field, without running any activity', () => {
  it.each([
    ['a verification on month 13', VSYNC_WORKFLOW_TYPES.verification, { day: '2026-13-45' }, ['day: expected a real calendar date YYYY-MM-DD']],
    ['a verification of a key type DICT does not have', VSYNC_WORKFLOW_TYPES.verification, { keyTypes: ['XYZ'] }, ['keyTypes.0: Invalid option: expected one of "CPF"|"CNPJ"|"PHONE"|"EMAIL"|"EVP"']],
    ['a reconciliation on month 13', VSYNC_WORKFLOW_TYPES.reconciliation, { keyType: 'EVP', day: '2026-13-45' }, ['day: expected a real calendar date YYYY-MM-DD']],
    [
      'a reconciliation triggered by a name with a NUL byte',
      VSYNC_WORKFLOW_TYPES.reconciliation,
      { keyType: 'EVP', day: '2026-11-22', triggeredBy: 'verification-\u0000' },
      ['triggeredBy: must not contain control characters (NUL included)'],
    ],
  ])('%s', async (_name, type, input, reasons) => {
    const run = await runToEnd(type, input);
    expect(run.status).toBe('FAILED');
    expect(run.elapsedMs).toBeLessThan(10_000);
    expect(run.error).toBeInstanceOf(WorkflowFailedError);
    const failure = (run.error as WorkflowFailedError).cause as ApplicationFailure;
    expect(failure).toBeInstanceOf(ApplicationFailure);
    expect(failure).toMatchObject({ type: 'InvalidInput', nonRetryable: true });
    expect(failure.message).toContain(`invalid input of ${type}`);
    for (const reason of reasons) expect(failure.message).toContain(reason);
    // Refused before any work: no activity, no workflow task retried, no reconciliation claimed.
    expect(run).toMatchObject({ activitiesScheduled: [], workflowTaskFailures: 0 });
    expect(await env.db.selectFrom('vsync_reconciliations').select('reconciliation_id').where('reconciliation_id', '=', run.workflowId).execute()).toEqual([]);
  });
});

describe('a correction the local base refuses', () => {
  // Constructed, and why: the DICT simulator (like DICT) holds no entry PostgreSQL would refuse as
  // data, and the input schema leaves nothing else to refuse. So the local base is given a CHECK
  // constraint (as an operator might add one) that an entry in DICT breaks: applying it fails with
  // SQLSTATE 23514, which the worker's interceptor makes non-retryable.
  const poison = { ...syntheticEntry('PHONE', 900, PARTICIPANT), ownerName: 'Poison Pill' };

  beforeAll(async () => {
    await env.seedBoth('PHONE', 5);
    env.sim.addEntries([poison]);
    await sql`ALTER TABLE dict_entries ADD CONSTRAINT dict_entries_no_poison CHECK (owner_name <> 'Poison Pill')`.execute(env.db);
  });

  it('fails the reconciliation at the first attempt with the SQLSTATE, logs it failed and frees the key type', async () => {
    const run = await runToEnd(VSYNC_WORKFLOW_TYPES.reconciliation, { keyType: 'PHONE', day: '2026-11-22', options: { ...FAST, maxEventPages: 0 } }, 'reconciliation-refused');
    expect(run.status).toBe('FAILED');
    expect(run.elapsedMs).toBeLessThan(10_000);
    const activity = (run.error as WorkflowFailedError).cause as ActivityFailure;
    expect(activity).toBeInstanceOf(ActivityFailure);
    expect(activity.activityType).toBe('applyCorrections');
    const failure = activity.cause as ApplicationFailure;
    expect(failure).toBeInstanceOf(ApplicationFailure);
    expect(failure).toMatchObject({ type: 'PostgresError23514', nonRetryable: true });
    expect(failure.message).toMatch(/^PostgreSQL refused the data \(SQLSTATE 23514\): .*dict_entries_no_poison/);
    // Every activity ran once; the last two are the refused one and the release.
    expect(run.activityAttempts.every((a) => a === 1)).toBe(true);
    expect(run.activitiesScheduled.slice(-2)).toEqual(['applyCorrections', 'finishReconciliation']);
    expect(run.workflowTaskFailures).toBe(0);
    await recordHistory(env.ctx.client, run.workflowId, 'reconciliation-failed-released');

    const log = await env.db.selectFrom('vsync_reconciliations').selectAll().where('reconciliation_id', '=', run.workflowId).executeTakeFirstOrThrow();
    expect(log).toMatchObject({ active: false, phase: 'done', outcome: 'failed' });
    expect((log.result as { error?: string }).error).toMatch(/violates check constraint "dict_entries_no_poison"/);
    const completions = (await outboxEvents(env, 'reconciliation-completed')).map((e) => e.envelope.data as { reconciliationId: string; outcome: string });
    expect(completions).toContainEqual(expect.objectContaining({ reconciliationId: run.workflowId, outcome: 'failed' }));

    // The key type is free: once the local base accepts the entry, the next reconciliation applies it.
    await sql`ALTER TABLE dict_entries DROP CONSTRAINT dict_entries_no_poison`.execute(env.db);
    const next = (await env.reconcile('PHONE', { ...FAST, maxEventPages: 0 })) as ReconciliationResult;
    expect(next).toMatchObject({ outcome: 'completed', finalVerification: 'OK', applied: { added: 1 } });
  });
});
