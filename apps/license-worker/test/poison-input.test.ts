import { LICENSE_TASK_QUEUE, LICENSE_WORKFLOW_TYPES } from '@fleet/license-contracts';
import { ActivityFailure, ApplicationFailure, WorkflowFailedError } from '@temporalio/client';
import { randomUUID } from 'node:crypto';
import { licenseTestEnv, type LicenseTestEnv } from './harness';

// Input a new user might send, started straight through Temporal (no API in front to refuse it):
// each run must end FAILED within seconds with a reason naming the field, never retry, and touch
// nothing. Before the workflows validated their input, a NUL byte or 2026-13-45 reached PostgreSQL
// and the activity retried for ever.

let env: LicenseTestEnv;

beforeAll(async () => {
  env = await licenseTestEnv('license-poison-input');
  await env.startWorker();
});
afterAll(() => env?.close());

/** Starts a workflow, waits for its end, and reads back how it ended and what its history holds. */
async function runToEnd(type: string, input: unknown) {
  const workflowId = `poison-${randomUUID()}`;
  const started = Date.now();
  const handle = await env.ctx.client.workflow.start(type, { taskQueue: LICENSE_TASK_QUEUE, workflowId, args: [input] });
  const error = await handle.result().then(
    () => undefined,
    (err: unknown) => err,
  );
  const elapsedMs = Date.now() - started;
  const { status } = await handle.describe();
  const events = (await handle.fetchHistory()).events ?? [];
  return {
    workflowId,
    error,
    elapsedMs,
    status: status.name,
    activitiesScheduled: events.filter((e) => e.activityTaskScheduledEventAttributes).length,
    activityAttempts: events.flatMap((e) => (e.activityTaskStartedEventAttributes ? [e.activityTaskStartedEventAttributes.attempt ?? 1] : [])),
    workflowTaskFailures: events.filter((e) => e.workflowTaskFailedEventAttributes).length,
  };
}

/** The workflow's own failure (what a caller is told): the application failure under WorkflowFailedError. */
function failureOf(error: unknown): ApplicationFailure {
  expect(error).toBeInstanceOf(WorkflowFailedError);
  const cause = (error as WorkflowFailedError).cause;
  expect(cause).toBeInstanceOf(ApplicationFailure);
  return cause as ApplicationFailure;
}

describe('poison input fails its workflow at once, naming the field, without running any activity', () => {
  it.each([
    ['a renewal whose licenseId holds a NUL byte', LICENSE_WORKFLOW_TYPES.renewal, { licenseId: 'a\u0000b', renewalDate: '2026-06-01' }, ['licenseId: only letters, digits and . _ : - are allowed']],
    ['a renewal whose licenseId is too long', LICENSE_WORKFLOW_TYPES.renewal, { licenseId: 'L'.repeat(65), renewalDate: '2026-06-01' }, ['licenseId: at most 64 characters']],
    ['a renewal on a day that does not exist', LICENSE_WORKFLOW_TYPES.renewal, { licenseId: 'LIC-1', renewalDate: '2026-02-30' }, ['renewalDate: expected a real calendar date YYYY-MM-DD']],
    [
      'a deactivation on month 13 with an empty page size',
      LICENSE_WORKFLOW_TYPES.deactivation,
      { batchDate: '2026-13-45', batchSize: 0 },
      ['batchDate: expected a real calendar date YYYY-MM-DD', 'batchSize: Too small: expected number to be >=1'],
    ],
    ['reminders a day after the renewal date', LICENSE_WORKFLOW_TYPES.reminders, { offsetsDays: [-1] }, ['offsetsDays.0: Too small: expected number to be >=0']],
  ])('%s', async (_name, type, input, reasons) => {
    const run = await runToEnd(type, input);
    expect(run.status).toBe('FAILED');
    expect(run.elapsedMs).toBeLessThan(10_000);
    const failure = failureOf(run.error);
    expect(failure).toMatchObject({ type: 'InvalidInput', nonRetryable: true });
    expect(failure.message).toContain(`invalid input of ${type}`);
    for (const reason of reasons) expect(failure.message).toContain(reason);
    // Refused before any work: no activity, no workflow task retried, nothing written.
    expect(run).toMatchObject({ activitiesScheduled: 0, workflowTaskFailures: 0 });
    const audit = await env.db.selectFrom('batch_operations').select('batch_id').where('batch_id', '=', run.workflowId).execute();
    expect(audit).toEqual([]);
  });
});

describe('an activity that PostgreSQL refuses', () => {
  it('fails at its first attempt, non-retryable with the SQLSTATE, and its workflow fails at once', async () => {
    // A genuine case the schema lets through: 9999-12-31 is a real calendar day, but the reminder
    // horizon 30 days later is past year 9999, which JavaScript writes '+010000-01' and PostgreSQL
    // refuses as a date (class 22). Before the worker's interceptor this failure retried for ever.
    const run = await runToEnd(LICENSE_WORKFLOW_TYPES.reminders, { runDate: '9999-12-31' });
    expect(run.status).toBe('FAILED');
    expect(run.elapsedMs).toBeLessThan(10_000);
    const activity = (run.error as WorkflowFailedError).cause;
    expect(activity).toBeInstanceOf(ActivityFailure);
    expect(activity).toMatchObject({ activityType: 'queueRemindersPage' });
    const failure = (activity as ActivityFailure).cause as ApplicationFailure;
    expect(failure).toBeInstanceOf(ApplicationFailure);
    expect(failure.type).toMatch(/^PostgresError22\d{3}$/);
    expect(failure.nonRetryable).toBe(true);
    expect(failure.message).toMatch(/^PostgreSQL refused the data \(SQLSTATE 22\d{3}\): .*\+010000-01/);
    // One activity, one attempt.
    expect(run).toMatchObject({ activitiesScheduled: 1, activityAttempts: [1], workflowTaskFailures: 0 });
  });
});
