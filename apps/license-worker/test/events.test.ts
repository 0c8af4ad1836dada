import { LICENSE_TASK_QUEUE, LICENSE_WORKFLOW_TYPES, licenseEvents, licenseRenewalWorkflowId } from '@fleet/license-contracts';
import { seedAgents } from '@fleet/license-data-access/testing';
import { consumeEvents, ensureEventNamespaces, ensureSubscription, topicOf, type EventEnvelope, type RunningConsumer } from '@fleet/shared-events';
import { createLogger } from '@fleet/shared-observability';
import { waitFor } from '@fleet/tools-infra/testing';
import { randomUUID } from 'node:crypto';
import { licenseTestEnv, type LicenseTestEnv } from './harness';

let env: LicenseTestEnv;
const consumers: RunningConsumer[] = [];
const logger = createLogger('license-events-test', 'silent');

beforeAll(async () => {
  env = await licenseTestEnv('license-events');
  await env.startWorker();
});
afterAll(async () => {
  await Promise.all(consumers.map((c) => c.stop()));
  await env.close();
});

/** Every event a topic of the license domain receives, as another team's consumer would see it. */
async function collect(definition: { domain: string; topic: string }): Promise<EventEnvelope[]> {
  const topic = topicOf(definition, env.ctx.pulsar.tenant);
  await ensureEventNamespaces(env.ctx.pulsar.adminUrl, ['license'], env.ctx.pulsar.tenant);
  await ensureSubscription(env.ctx.pulsar.adminUrl, topic, 'license-events-test');
  const events: EventEnvelope[] = [];
  consumers.push(
    consumeEvents({ wsUrl: env.ctx.pulsar.wsUrl, topic, subscription: 'license-events-test', db: env.db, logger, handle: async (e) => void events.push(e) }),
  );
  return events;
}

it('deactivation, reinstatement and reminders publish their events with the right subjects and counts', async () => {
  const deactivated = await collect(licenseEvents.agentDeactivated);
  const reinstated = await collect(licenseEvents.agentReinstated);
  const reminders = await collect(licenseEvents.renewalReminderQueued);
  await seedAgents(env.db, { prefix: 'EVT', count: 25, renewalDate: '2024-01-01' });
  await seedAgents(env.db, { prefix: 'EVR', count: 4, renewalDate: '2024-07-10' });

  const summary = await env.ctx.client.workflow.execute(LICENSE_WORKFLOW_TYPES.deactivation, {
    taskQueue: LICENSE_TASK_QUEUE,
    workflowId: `events-deactivation-${randomUUID()}`,
    args: [{ batchDate: '2024-06-01', batchSize: 10 }],
  });
  expect(summary).toMatchObject({ agentsDeactivated: 25 });
  await waitFor('25 agent-deactivated events', () => deactivated.length >= 25, 30_000);
  expect(deactivated.map((e) => e.subject).sort()).toEqual(Array.from({ length: 25 }, (_, i) => `EVT${String(i).padStart(8, '0')}`));
  expect(deactivated[0]).toMatchObject({
    type: 'fleet.license.agent-deactivated',
    source: 'license-worker',
    schemaversion: 1,
    data: { batchDate: '2024-06-01', reason: 'LICENSE_EXPIRED', previousStatus: 'ACTIVE', batchId: summary.batchId },
  });

  await env.ctx.client.workflow.execute(LICENSE_WORKFLOW_TYPES.renewal, {
    taskQueue: LICENSE_TASK_QUEUE,
    workflowId: licenseRenewalWorkflowId('LIC-EVT00000007', '2025-01-01'),
    args: [{ licenseId: 'LIC-EVT00000007', renewalDate: '2025-01-01', asOfDate: '2024-06-02' }],
  });
  await waitFor('the agent-reinstated event', () => reinstated.length >= 1, 30_000);
  expect(reinstated).toEqual([
    expect.objectContaining({ subject: 'EVT00000007', data: { agentId: 'EVT00000007', licenseId: 'LIC-EVT00000007', renewalDate: '2025-01-01', restoredStatus: 'ACTIVE' } }),
  ]);

  await env.ctx.client.workflow.execute(LICENSE_WORKFLOW_TYPES.reminders, {
    taskQueue: LICENSE_TASK_QUEUE,
    workflowId: `events-reminders-${randomUUID()}`,
    args: [{ runDate: '2024-06-25' }],
  });
  await waitFor('4 reminder events', () => reminders.length >= 4, 30_000);
  expect(reminders.map((e) => [e.subject, (e.data as { daysBefore: number }).daysBefore]).sort()).toEqual(
    Array.from({ length: 4 }, (_, i) => [`EVR${String(i).padStart(8, '0')}`, 15]),
  );
  // Nothing more than that: no duplicates reached the handlers.
  expect(deactivated).toHaveLength(25);
});
