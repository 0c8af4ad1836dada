import { TICKETING_TASK_QUEUE, ticketingDomain, ticketingSampleStateQuery, ticketingSampleWorkflowId } from '@fleet/ticketing-contracts';
import { readSamples } from '@fleet/ticketing-data-access/testing';
import { WorkflowFailedError } from '@temporalio/client';
import { ticketingTestEnv, type TicketingTestEnv } from './harness';
import { recordHistory } from './histories';

let env: TicketingTestEnv;
beforeAll(async () => {
  env = await ticketingTestEnv('ticketing-sample');
  await env.startWorker();
});
afterAll(async () => env?.close());

const { sample } = ticketingDomain.workflows;

it('records a sample once, however often it is started, and answers its state', async () => {
  const workflowId = ticketingSampleWorkflowId('first');
  const handle = await env.ctx.client.workflow.start(sample.type, { taskQueue: TICKETING_TASK_QUEUE, workflowId, args: [{ sampleId: 'first', text: 'hello' }] });
  const result = await handle.result();
  expect(result).toMatchObject({ sampleId: 'first', length: 5, recorded: true });
  expect(await handle.query(ticketingSampleStateQuery)).toEqual({ sampleId: 'first', phase: 'recorded' });
  await recordHistory(env.ctx.client, workflowId, 'ticketing-sample');

  const again = await env.ctx.client.workflow.execute(sample.type, { taskQueue: TICKETING_TASK_QUEUE, workflowId: `${workflowId}-again`, args: [{ sampleId: 'first', text: 'hello' }] });
  expect(again).toMatchObject({ sampleId: 'first', recorded: false, recordedAt: result.recordedAt });
  expect(await readSamples(env.db)).toEqual([{ sample_id: 'first', text: 'hello' }]);
});

it('fails at once, naming the field, on input no retry can fix', async () => {
  const started = Date.now();
  const run = env.ctx.client.workflow.execute(sample.type, { taskQueue: TICKETING_TASK_QUEUE, workflowId: ticketingSampleWorkflowId('poison'), args: [{ sampleId: 'poison', text: 'a\u0000b' }] });
  const failure = await run.then(() => undefined, (err: unknown) => err);
  expect(failure).toBeInstanceOf(WorkflowFailedError);
  expect((failure as WorkflowFailedError).cause).toMatchObject({ type: 'InvalidInput', nonRetryable: true, message: expect.stringContaining('text: must not contain control characters') });
  expect(Date.now() - started).toBeLessThan(10_000);
  expect(await readSamples(env.db)).toHaveLength(1);
});
