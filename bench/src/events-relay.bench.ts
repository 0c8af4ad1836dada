/**
 * Events benchmark on a real Pulsar standalone broker and PostgreSQL:
 * 1. relay throughput: N events already in the outbox, published by the relay (pipelined, a
 *    producer per topic), against a naive relay that sends one row and waits for its
 *    acknowledgement before the next, side by side on the same data;
 * 2. end-to-end latency (outbox insert to consumer handler) at a steady rate;
 * and checks that no event is lost or handled twice.
 *
 *   npm run bench:events -- --events 50000 --rate 1000 --seconds 20
 */
import { createDb, createDatabaseIfMissing, databaseUrl, migrateToLatest } from '@fleet/shared-db';
import { consumeEvents, createOutbox, defineEvent, ensureEventNamespaces, ensureSubscription, eventsMigrations, PulsarProducer, startOutboxRelay, topicOf } from '@fleet/shared-events';
import { createLogger } from '@fleet/shared-observability';
import { freePort } from '@fleet/tools-infra';
import { sql, type Kysely } from 'kysely';
import { parseArgs } from 'node:util';
import { machine, printRows, startBenchInfrastructure, writeResult } from './common';

const { values: args } = parseArgs({
  options: {
    events: { type: 'string', default: '50000' },
    rate: { type: 'string', default: '1000' },
    seconds: { type: 'string', default: '20' },
  },
});
const N = Number(args.events);
const RATE = Number(args.rate);
const SECONDS = Number(args.seconds);
const TARGETS = { eventsPerSecond: 5000, p99Ms: 250 };
const logger = createLogger('events-bench', 'silent');
const log = (line: string) => console.log(`[bench] ${line}`);
const measured = defineEvent<{ n: number; padding: string }>()({ type: 'fleet.bench.measured', domain: 'bench', topic: 'measured', schemaVersion: 1 });
// The latency phase has a topic of its own, so no backlog of the throughput phase is in front of it.
const timed = defineEvent<{ n: number; padding: string }>()({ type: 'fleet.bench.timed', domain: 'bench', topic: 'timed', schemaVersion: 1 });
// A payload the size of a real domain event (~300 bytes of data).
const padding = 'x'.repeat(200);
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Db = Kysely<any>;

async function fillOutbox(db: Db, count: number, subjects = 100): Promise<void> {
  const outbox = createOutbox('bench');
  for (let from = 0; from < count; from += 1000) {
    const batch = Array.from({ length: Math.min(1000, count - from) }, (_, i) => ({ subject: `s-${(from + i) % subjects}`, data: { n: from + i, padding } }));
    await db.transaction().execute((tx) => outbox.append(tx, measured, batch));
  }
}

async function unsent(db: Db): Promise<number> {
  const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM event_outbox WHERE sent_at IS NULL`.execute(db);
  return rows[0]?.n ?? 0;
}

async function drained(db: Db): Promise<number> {
  const started = Date.now();
  while ((await unsent(db)) > 0) await new Promise((r) => setTimeout(r, 20));
  return (Date.now() - started) / 1000;
}

/** The naive relay: one row, one send, wait for the broker, mark it, next. */
async function naiveRelay(db: Db, wsUrl: string): Promise<void> {
  const producers = new Map<string, PulsarProducer>();
  for (;;) {
    const { rows } = await sql<{ seq: number; topic: string; subject: string; envelope: string }>`
      SELECT seq, topic, subject, envelope FROM event_outbox WHERE sent_at IS NULL ORDER BY seq LIMIT 100`.execute(db);
    if (rows.length === 0) break;
    for (const row of rows) {
      const producer = producers.get(row.topic) ?? (await PulsarProducer.connect(wsUrl, row.topic, { batching: false }));
      producers.set(row.topic, producer);
      await producer.send({ key: row.subject, payload: row.envelope });
      await sql`UPDATE event_outbox SET sent_at = now() WHERE seq = ${row.seq}`.execute(db);
    }
  }
  for (const p of producers.values()) p.close();
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

async function main(): Promise<void> {
  const infra = await startBenchInfrastructure('events-relay', { pulsar: { webPort: await freePort(), brokerPort: await freePort() } });
  if (!infra.pulsar) throw new Error(`the events benchmark needs Pulsar: ${infra.pulsarUnavailable ?? ''}`);
  const pulsar = infra.pulsar;
  await ensureEventNamespaces(pulsar.adminUrl, ['bench']);
  const topic = topicOf(measured);
  const open = async (name: string): Promise<Db> => {
    await createDatabaseIfMissing(infra.postgres.url, name);
    const db = createDb(databaseUrl(infra.postgres.url, name), { maxConnections: 8 });
    await migrateToLatest(db, eventsMigrations);
    return db;
  };
  try {
    // 1. Throughput, the same N events for both relays.
    const fleetDb = await open('bench_events_fleet');
    await fillOutbox(fleetDb, N);
    await ensureSubscription(pulsar.adminUrl, topic, 'verify');
    const relay = startOutboxRelay({ db: fleetDb, wsUrl: pulsar.wsUrl, logger, batchSize: 2000, idleMs: 5 });
    const relaySeconds = await drained(fleetDb);
    await relay.stop();
    const relayRate = Math.round(N / relaySeconds);
    log(`relay: ${N} events in ${relaySeconds.toFixed(2)} s = ${relayRate} events/s`);

    // Every one of them reaches a consumer once (inbox de-duplication in PostgreSQL).
    const ids = new Set<string>();
    const verify = consumeEvents({ wsUrl: pulsar.wsUrl, topic, subscription: 'verify', subscriptionType: 'Shared', logger, handle: async (e) => void ids.add(e.id) });
    const verifyStart = Date.now();
    while (ids.size < N && Date.now() - verifyStart < 300_000) await new Promise((r) => setTimeout(r, 100));
    await verify.stop();
    const lost = N - ids.size;
    log(`consumer: ${ids.size} distinct events handled, ${verify.stats.duplicates} duplicates skipped, ${lost} lost`);

    const naiveDb = await open('bench_events_naive');
    await fillOutbox(naiveDb, N);
    const naiveStart = Date.now();
    await naiveRelay(naiveDb, pulsar.wsUrl);
    const naiveRate = Math.round(N / ((Date.now() - naiveStart) / 1000));
    log(`naive one-at-a-time relay: ${naiveRate} events/s`);

    // 2. Latency at a steady rate: a transaction per 10 events, as a busy service would write them.
    const latencyDb = await open('bench_events_latency');
    await ensureSubscription(pulsar.adminUrl, topicOf(timed), 'latency');
    const latencies: number[] = [];
    const latencyConsumer = consumeEvents({
      wsUrl: pulsar.wsUrl,
      topic: topicOf(timed),
      subscription: 'latency',
      subscriptionType: 'Shared',
      logger,
      handle: async (e) => void latencies.push(Date.now() - Date.parse(e.time)),
    });
    const latencyRelay = startOutboxRelay({ db: latencyDb, wsUrl: pulsar.wsUrl, logger });
    const outbox = createOutbox('bench');
    const total = RATE * SECONDS;
    const perTick = 10;
    const tickMs = (1000 * perTick) / RATE;
    const start = Date.now();
    for (let sent = 0; sent < total; sent += perTick) {
      const due = start + (sent / perTick) * tickMs;
      const wait = due - Date.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      await latencyDb.transaction().execute((tx) =>
        outbox.append(tx, timed, Array.from({ length: perTick }, (_, i) => ({ subject: `s-${(sent + i) % 100}`, data: { n: sent + i, padding } }))),
      );
    }
    const achievedRate = Math.round(total / ((Date.now() - start) / 1000));
    const waitStart = Date.now();
    while (latencies.length < total && Date.now() - waitStart < 120_000) await new Promise((r) => setTimeout(r, 100));
    await latencyConsumer.stop();
    await latencyRelay.stop();
    const phase = [...latencies].sort((a, b) => a - b);
    const p50 = percentile(phase, 50);
    const p99 = percentile(phase, 99);
    log(`latency at ${achievedRate} events/s: p50 ${p50} ms, p99 ${p99} ms over ${phase.length} events`);

    const result = {
      benchmark: 'events-relay',
      at: new Date().toISOString(),
      machine: machine(),
      throughput: { events: N, relaySeconds: Number(relaySeconds.toFixed(2)), relayEventsPerSecond: relayRate, naiveEventsPerSecond: naiveRate, ratio: Number((relayRate / naiveRate).toFixed(1)) },
      delivery: { distinctHandled: ids.size, duplicatesSkipped: verify.stats.duplicates, lost },
      latency: { targetRate: RATE, achievedRate, events: phase.length, p50Ms: p50, p99Ms: p99 },
      targets: {
        relayEventsPerSecond: { target: TARGETS.eventsPerSecond, measured: relayRate, pass: relayRate >= TARGETS.eventsPerSecond },
        p99Ms: { target: TARGETS.p99Ms, measured: p99, pass: p99 < TARGETS.p99Ms },
        lostOrDuplicated: { target: 0, measured: lost, pass: lost === 0 },
      },
    };
    const file = writeResult('events-relay.json', result);
    printRows([
      ['relay throughput', `${relayRate} events/s`, `>= ${TARGETS.eventsPerSecond}`],
      ['vs one-at-a-time relay', `${(relayRate / naiveRate).toFixed(1)}x (${naiveRate}/s)`, ''],
      [`latency p50 / p99 @${achievedRate}/s`, `${p50} / ${p99} ms`, `p99 < ${TARGETS.p99Ms} ms`],
      ['lost after de-duplication', String(lost), '0'],
    ]);
    console.log(`\nwritten to ${file}`);
    await Promise.all([fleetDb.destroy(), naiveDb.destroy(), latencyDb.destroy()]);
  } finally {
    await infra.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
