import { createDb, migrateToLatest } from '@fleet/shared-db';
import { createLogger } from '@fleet/shared-observability';
import { createTestContext, repoRoot, spawnManaged, testEnv, tsxLoaderArgs, waitFor, type TestContext } from '@fleet/tools-infra/testing';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Kysely } from 'kysely';
import {
  consumeEvents,
  createOutbox,
  defineEvent,
  ensureEventNamespaces,
  ensureSubscription,
  eventsMigrations,
  PulsarConsumer,
  PulsarProducer,
  startOutboxRelay,
  topicOf,
  type EventEnvelope,
  type OutboxRelay,
  type RunningConsumer,
} from '../src';

const logger = createLogger('events-test', 'silent');
/** A test event on a topic of the test's own, so tests never see each other's messages. */
const thing = (name: string) =>
  defineEvent<{ n: number }>()({ type: 'fleet.test.thing-happened', domain: 'license', topic: `thing-happened-${name}`, schemaVersion: 3 });

let ctx: TestContext;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
let db: Kysely<any>;
let relay: OutboxRelay;
const consumers: RunningConsumer[] = [];

beforeAll(async () => {
  ctx = await createTestContext('events');
  db = createDb(ctx.databaseUrl);
  await migrateToLatest(db, eventsMigrations);
  await ensureEventNamespaces(ctx.pulsar.adminUrl, ['license'], ctx.pulsar.tenant);
  relay = startOutboxRelay({ db, wsUrl: ctx.pulsar.wsUrl, logger });
});
afterAll(async () => {
  await Promise.all(consumers.map((c) => c.stop()));
  await relay.stop();
  await db.destroy();
  await ctx.close();
});

async function subscribe(topic: string, subscription: string, handle: (e: EventEnvelope) => Promise<void>, maxAttempts = 5): Promise<RunningConsumer> {
  await ensureSubscription(ctx.pulsar.adminUrl, topic, subscription);
  const consumer = consumeEvents({ wsUrl: ctx.pulsar.wsUrl, topic, subscription, db, logger, maxAttempts, retryDelayMs: 100, handle: (e) => handle(e) });
  consumers.push(consumer);
  return consumer;
}

it('an event written with its change reaches a consumer as a typed envelope', async () => {
  const event = thing('round-trip');
  const received: EventEnvelope[] = [];
  const consumer = await subscribe(topicOf(event, ctx.pulsar.tenant), 'round-trip', async (e) => void received.push(e));
  await db.transaction().execute(async (tx) => {
    await tx.schema.createTable('things').addColumn('n', 'integer').execute();
    await tx.insertInto('things').values({ n: 1 }).execute();
    await createOutbox('test-app', ctx.pulsar.tenant).append(tx, event, [{ subject: 'thing-1', data: { n: 1 } }]);
  });
  await waitFor('the event', () => consumer.stats.handled === 1);
  expect(received[0]).toEqual({
    specversion: '1.0',
    id: expect.stringMatching(/^[0-9a-f-]{36}$/),
    type: 'fleet.test.thing-happened',
    source: 'test-app',
    subject: 'thing-1',
    time: expect.any(String),
    datacontenttype: 'application/json',
    schemaversion: 3,
    data: { n: 1 },
  });
  await waitFor('the row marked sent', async () => {
    const row = await db.selectFrom('event_outbox').select('sent_at').where('subject', '=', 'thing-1').executeTakeFirstOrThrow();
    return row.sent_at !== null;
  });
});

it('an event whose transaction rolls back is never published', async () => {
  await expect(
    db.transaction().execute(async (tx) => {
      await createOutbox('test-app', ctx.pulsar.tenant).append(tx, thing('rollback'), [{ subject: 'ghost', data: { n: 0 } }]);
      throw new Error('the change failed');
    }),
  ).rejects.toThrow('the change failed');
  expect(await db.selectFrom('event_outbox').select('subject').where('subject', '=', 'ghost').execute()).toEqual([]);
});

it('a redelivered event (same id) is handled once', async () => {
  const topic = topicOf(thing('dedup'), ctx.pulsar.tenant);
  let calls = 0;
  const consumer = await subscribe(topic, 'dedup', async () => void (calls += 1));
  const producer = await PulsarProducer.connect(ctx.pulsar.wsUrl, topic);
  const envelope = JSON.stringify({ specversion: '1.0', id: '11111111-1111-1111-1111-111111111111', type: 'fleet.test.thing-happened', subject: 'dup', data: { n: 9 } });
  await producer.send({ key: 'dup', payload: envelope });
  await producer.send({ key: 'dup', payload: envelope });
  producer.close();
  await waitFor('both deliveries', () => consumer.stats.handled + consumer.stats.duplicates >= 2);
  expect(calls).toBe(1);
  expect(consumer.stats).toMatchObject({ handled: 1, duplicates: 1 });
});

it('a handler that keeps failing sends its message to the dead-letter topic, and the rest flow on', async () => {
  const event = thing('dlq');
  const topic = topicOf(event, ctx.pulsar.tenant);
  const handled: string[] = [];
  const consumer = await subscribe(topic, 'dlq', async (e) => {
    if (e.subject === 'poison') throw new Error('cannot handle poison');
    handled.push(e.subject);
  }, 3);
  const deadLetterTopic = `${topic}-dlq-DLQ`;
  await ensureSubscription(ctx.pulsar.adminUrl, deadLetterTopic, 'inspect');
  await createOutbox('test-app', ctx.pulsar.tenant).append(db, event, [
    { subject: 'fine-1', data: { n: 1 } },
    { subject: 'poison', data: { n: 2 } },
    { subject: 'fine-2', data: { n: 3 } },
  ]);
  await waitFor('the good events', () => handled.includes('fine-1') && handled.includes('fine-2'), 30_000);
  const dlq = await PulsarConsumer.connect(ctx.pulsar.wsUrl, deadLetterTopic, { subscription: 'inspect' });
  const dead: string[] = [];
  void dlq.run((m) => {
    dead.push((JSON.parse(m.payload) as EventEnvelope).subject);
    dlq.ack(m.messageId);
  });
  await waitFor('the poison message in the dead-letter topic', () => dead.includes('poison'), 60_000);
  dlq.close();
  expect(consumer.stats.failures).toBeGreaterThanOrEqual(3);
  expect(handled).not.toContain('poison');
});

it('relays in every instance at once publish each event once, in order', async () => {
  const event = thing('two-relays');
  const topic = topicOf(event, ctx.pulsar.tenant);
  const received: number[] = [];
  const consumer = await subscribe(topic, 'two-relays', async (e) => void received.push((e.data as { n: number }).n));
  // A second relay on the same outbox, as a second worker instance would run.
  const second = startOutboxRelay({ db, wsUrl: ctx.pulsar.wsUrl, logger });
  try {
    const outbox = createOutbox('test-app', ctx.pulsar.tenant);
    for (let n = 0; n < 200; n += 20) {
      await outbox.append(db, event, Array.from({ length: 20 }, (_, i) => ({ subject: 'one-subject', data: { n: n + i } })));
    }
    await waitFor('200 events', () => received.length >= 200, 30_000);
    await new Promise((r) => setTimeout(r, 500));
    expect(received).toEqual(Array.from({ length: 200 }, (_, n) => n));
    expect(consumer.stats.duplicates).toBe(0);
    expect([relay.stats.leader, second.stats.leader].filter(Boolean)).toHaveLength(1);
  } finally {
    await second.stop();
  }
});

it('events:tail prints a topic\'s events as JSON lines', async () => {
  const event = thing('tail');
  const topic = topicOf(event, ctx.pulsar.tenant);
  await ensureSubscription(ctx.pulsar.adminUrl, topic, 'keep');
  await createOutbox('test-app', ctx.pulsar.tenant).append(db, event, [{ subject: 'tailed', data: { n: 42 } }]);
  const tail = spawnManaged({
    name: 'events-tail',
    command: process.execPath,
    args: [...tsxLoaderArgs(), path.join(repoRoot, 'libs/shared/events/src/cli/tail.ts'), topic, '--from', 'earliest', '--url', ctx.pulsar.wsUrl],
    cwd: repoRoot,
    logFile: path.join(testEnv('dir'), 'logs', 'events-tail.log'),
  });
  try {
    const line = await waitFor('a tailed line', () => {
      const out = existsSync(path.join(testEnv('dir'), 'logs', 'events-tail.log')) ? readFileSync(path.join(testEnv('dir'), 'logs', 'events-tail.log'), 'utf8') : '';
      return out.split('\n').find((l) => l.startsWith('{'));
    }, 30_000);
    expect(JSON.parse(line)).toMatchObject({ key: 'tailed', event: { subject: 'tailed', data: { n: 42 } } });
  } finally {
    await tail.stop();
  }
});
