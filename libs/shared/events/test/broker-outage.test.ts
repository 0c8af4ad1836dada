import { createDb, migrateToLatest } from '@fleet/shared-db';
import { createLogger } from '@fleet/shared-observability';
import { startPulsarStandalone, type PulsarServer } from '@fleet/tools-infra/pulsar';
import { createTestContext, freePort, testEnv, waitFor, type TestContext } from '@fleet/tools-infra/testing';
import { sql, type Kysely } from 'kysely';
import path from 'node:path';
import {
  consumeEvents,
  createOutbox,
  defineEvent,
  ensureEventNamespaces,
  ensureSubscription,
  eventsMigrations,
  startOutboxRelay,
  topicOf,
} from '../src';

const logger = createLogger('events-outage-test', 'silent');
const counted = defineEvent<{ n: number }>()({ type: 'fleet.test.counted', domain: 'license', topic: 'counted', schemaVersion: 1 });
const SUBJECTS = 10;
const PER_SUBJECT = 150;

let ctx: TestContext;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
let db: Kysely<any>;
let broker: PulsarServer;
let ports: { webPort: number; brokerPort: number };
const brokerDir = () => path.join(testEnv('dir'), 'pulsar-outage');
const start = (keepData: boolean) =>
  startPulsarStandalone({ dir: brokerDir(), ...ports, logFile: path.join(brokerDir(), 'broker.log'), keepData });

beforeAll(async () => {
  ctx = await createTestContext('events-outage');
  db = createDb(ctx.databaseUrl);
  await migrateToLatest(db, eventsMigrations);
  // A broker of this test's own: stopping it must not disturb the other test files.
  ports = { webPort: await freePort(), brokerPort: await freePort() };
  broker = await start(false);
  await ensureEventNamespaces(broker.adminUrl, ['license']);
});
afterAll(async () => {
  await broker.stop();
  await db.destroy();
  await ctx.close();
});

it('the broker stopped mid-stream: rows wait in the outbox, and after restart every event arrives once, in order per subject', async () => {
  const topic = topicOf(counted);
  await ensureSubscription(broker.adminUrl, topic, 'outage');
  const seen: { id: string; subject: string; n: number }[] = [];
  const consumer = consumeEvents({
    wsUrl: broker.wsUrl,
    topic,
    subscription: 'outage',
    subscriptionType: 'Failover',
    db,
    logger,
    handle: async (e) => void seen.push({ id: e.id, subject: e.subject, n: (e.data as { n: number }).n }),
  });
  const relay = startOutboxRelay({ db, wsUrl: broker.wsUrl, logger, maxBackoffMs: 500 });
  const outbox = createOutbox('test-app');
  const write = async (n: number) => {
    await db.transaction().execute((tx) =>
      outbox.append(tx, counted, Array.from({ length: SUBJECTS }, (_, s) => ({ subject: `subject-${s}`, data: { n } }))),
    );
  };
  try {
    for (let n = 0; n < PER_SUBJECT / 3; n++) await write(n);
    await waitFor('some events through', () => seen.length > 0);

    await broker.stop();
    for (let n = PER_SUBJECT / 3; n < (2 * PER_SUBJECT) / 3; n++) await write(n);
    const waiting = await sql<{ n: number }>`SELECT count(*)::int AS n FROM event_outbox WHERE sent_at IS NULL`.execute(db);
    expect(waiting.rows[0]!.n).toBeGreaterThan(0);
    await waitFor('the relay to notice', () => relay.stats.failures > 0, 15_000);

    broker = await start(true);
    for (let n = (2 * PER_SUBJECT) / 3; n < PER_SUBJECT; n++) await write(n);

    const total = SUBJECTS * PER_SUBJECT;
    await waitFor('every event handled', () => consumer.stats.handled >= total, 120_000, 200);
    const ids = await db.selectFrom('event_outbox').select('event_id').execute();
    expect(new Set(seen.map((e) => e.id))).toEqual(new Set(ids.map((r: { event_id: string }) => r.event_id)));
    expect(seen).toHaveLength(total);
    for (let s = 0; s < SUBJECTS; s++) {
      const ns = seen.filter((e) => e.subject === `subject-${s}`).map((e) => e.n);
      expect(ns).toEqual(Array.from({ length: PER_SUBJECT }, (_, n) => n));
    }
    const unsent = await sql<{ n: number }>`SELECT count(*)::int AS n FROM event_outbox WHERE sent_at IS NULL`.execute(db);
    expect(unsent.rows[0]!.n).toBe(0);
  } finally {
    await consumer.stop();
    await relay.stop();
  }
});
