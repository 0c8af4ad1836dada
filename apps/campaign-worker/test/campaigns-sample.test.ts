import { CAMPAIGNS_TASK_QUEUE, campaignsDomain, campaignsSampleStateQuery, campaignsSampleWorkflowId } from '@fleet/campaigns-contracts';
import { readSamples } from '@fleet/campaigns-data-access/testing';
import { WorkflowFailedError } from '@temporalio/client';
import { campaignsTestEnv, type CampaignsTestEnv } from './harness';
import { recordHistory } from './histories';

let env: CampaignsTestEnv;
beforeAll(async () => {
  env = await campaignsTestEnv('campaigns-sample');
  await env.startWorker();
});
afterAll(async () => env?.close());

const { sample } = campaignsDomain.workflows;

it('records a sample once, however often it is started, and answers its state', async () => {
  const workflowId = campaignsSampleWorkflowId('first');
  const handle = await env.ctx.client.workflow.start(sample.type, { taskQueue: CAMPAIGNS_TASK_QUEUE, workflowId, args: [{ sampleId: 'first', text: 'hello' }] });
  const result = await handle.result();
  expect(result).toMatchObject({ sampleId: 'first', length: 5, recorded: true });
  expect(await handle.query(campaignsSampleStateQuery)).toEqual({ sampleId: 'first', phase: 'recorded' });
  await recordHistory(env.ctx.client, workflowId, 'campaigns-sample');

  const again = await env.ctx.client.workflow.execute(sample.type, { taskQueue: CAMPAIGNS_TASK_QUEUE, workflowId: `${workflowId}-again`, args: [{ sampleId: 'first', text: 'hello' }] });
  expect(again).toMatchObject({ sampleId: 'first', recorded: false, recordedAt: result.recordedAt });
  expect(await readSamples(env.db)).toEqual([{ sample_id: 'first', text: 'hello' }]);
});

it('fails at once, naming the field, on input no retry can fix', async () => {
  const started = Date.now();
  const run = env.ctx.client.workflow.execute(sample.type, { taskQueue: CAMPAIGNS_TASK_QUEUE, workflowId: campaignsSampleWorkflowId('poison'), args: [{ sampleId: 'poison', text: 'a\u0000b' }] });
  const failure = await run.then(() => undefined, (err: unknown) => err);
  expect(failure).toBeInstanceOf(WorkflowFailedError);
  expect((failure as WorkflowFailedError).cause).toMatchObject({ type: 'InvalidInput', nonRetryable: true, message: expect.stringContaining('text: must not contain control characters') });
  expect(Date.now() - started).toBeLessThan(10_000);
  expect(await readSamples(env.db)).toHaveLength(1);
});
