import { consumeEvents, ensureEventNamespaces, ensureSubscription, topicOf, type EventEnvelope, type RunningConsumer } from '@fleet/shared-events';
import { createLogger } from '@fleet/shared-observability';
import { sql } from 'kysely';
import type { VsyncTestEnv } from './harness';

/** Every event a vsync topic receives, as another team's consumer would see it. */
export async function collectEvents(env: VsyncTestEnv, definition: { domain: string; topic: string }, consumers: RunningConsumer[]): Promise<EventEnvelope[]> {
  const topic = topicOf(definition, env.ctx.pulsar.tenant);
  await ensureEventNamespaces(env.ctx.pulsar.adminUrl, ['vsync'], env.ctx.pulsar.tenant);
  await ensureSubscription(env.ctx.pulsar.adminUrl, topic, 'vsync-test');
  const events: EventEnvelope[] = [];
  consumers.push(
    consumeEvents({ wsUrl: env.ctx.pulsar.wsUrl, topic, subscription: 'vsync-test', logger: createLogger('vsync-test', 'silent'), handle: async (e) => void events.push(e) }),
  );
  return events;
}

/** Events of a topic written to the outbox (sent or not yet), oldest first. */
export async function outboxEvents(env: VsyncTestEnv, topicName: string): Promise<{ envelope: EventEnvelope; sent: boolean }[]> {
  const { rows } = await sql<{ envelope: string; sent_at: Date | null }>`
    SELECT envelope, sent_at FROM event_outbox WHERE topic LIKE ${'%/vsync/' + topicName} ORDER BY seq`.execute(env.db);
  return rows.map((r) => ({ envelope: JSON.parse(r.envelope) as EventEnvelope, sent: r.sent_at !== null }));
}
