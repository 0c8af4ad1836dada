import { sql, type Kysely } from 'kysely';
import type { Logger } from '@fleet/shared-observability';
import { PulsarProducer } from './pulsar-ws';

export interface OutboxRelayOptions {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- any app's database with the outbox table
  db: Kysely<any>;
  /** The broker's WebSocket service, e.g. ws://127.0.0.1:8080 */
  wsUrl: string;
  logger: Logger;
  /** Rows read and published per round. */
  batchSize?: number;
  /** Wait between rounds when the outbox is empty. */
  idleMs?: number;
  maxBackoffMs?: number;
  /** Run once before the first publish, retried with the same backoff (e.g. create the namespaces). */
  prepare?: () => Promise<void>;
}

export interface RelayStats {
  published: number;
  rounds: number;
  failures: number;
  leader: boolean;
  lastError?: string;
}

export interface OutboxRelay {
  stats: RelayStats;
  stop(): Promise<void>;
}

// One relay at a time per database publishes (the others wait on this lock), so rows leave in
// outbox order and a subject's events keep their order.
const RELAY_LOCK = 0x0f1ee7;

/**
 * Publishes outbox rows to Pulsar keyed by subject, and marks a row sent only after the broker
 * acknowledged it. While Pulsar is away it retries with backoff and never drops a row. A crash
 * between the broker's acknowledgement and the mark resends that row: delivery is at least once,
 * and consumers de-duplicate by event id.
 */
export function startOutboxRelay(options: OutboxRelayOptions): OutboxRelay {
  const batchSize = options.batchSize ?? 1000;
  const idleMs = options.idleMs ?? 25;
  const maxBackoffMs = options.maxBackoffMs ?? 5000;
  const stats: RelayStats = { published: 0, rounds: 0, failures: 0, leader: false };
  const producers = new Map<string, PulsarProducer>();
  let stopping = false;
  let prepared = false;
  let wake: (() => void) | undefined;
  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });

  const producerFor = async (topic: string): Promise<PulsarProducer> => {
    const existing = producers.get(topic);
    if (existing?.open) return existing;
    const producer = await PulsarProducer.connect(options.wsUrl, topic);
    producers.set(topic, producer);
    return producer;
  };

  /** One round: publish the oldest unsent rows; returns how many were published. */
  const round = async (): Promise<number> => {
    const { rows } = await sql<{ seq: number; topic: string; subject: string; envelope: string }>`
      SELECT seq, topic, subject, envelope FROM event_outbox WHERE sent_at IS NULL ORDER BY seq LIMIT ${batchSize}`.execute(options.db);
    if (rows.length === 0) return 0;
    // One producer per topic, connected before any send: messages of a topic then leave on one
    // connection in outbox order, which is what keeps a subject's events in order.
    const byTopic = new Map<string, PulsarProducer>();
    for (const topic of new Set(rows.map((r) => r.topic))) byTopic.set(topic, await producerFor(topic));
    const sends = await Promise.allSettled(
      rows.map((row) => (byTopic.get(row.topic) as PulsarProducer).send({ key: row.subject, payload: row.envelope })),
    );
    const acked = rows.filter((_, i) => sends[i]?.status === 'fulfilled').map((r) => r.seq);
    if (acked.length) {
      await sql`UPDATE event_outbox SET sent_at = now() WHERE seq = ANY(${acked}::bigint[])`.execute(options.db);
      stats.published += acked.length;
    }
    const failed = sends.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (failed) throw failed.reason;
    return rows.length;
  };

  const loop = options.db.connection().execute(async (leaderConnection) => {
    let backoff = 100;
    while (!stopping) {
      try {
        if (!stats.leader) {
          const { rows } = await sql<{ ok: boolean }>`SELECT pg_try_advisory_lock(${RELAY_LOCK}) AS ok`.execute(leaderConnection);
          stats.leader = rows[0]?.ok === true;
          if (!stats.leader) {
            await pause(1000);
            continue;
          }
          options.logger.info('outbox relay is publishing');
        }
        if (!prepared) {
          await options.prepare?.();
          prepared = true;
        }
        stats.rounds += 1;
        const published = await round();
        backoff = 100;
        if (published < batchSize) await pause(idleMs);
      } catch (err) {
        stats.failures += 1;
        stats.lastError = String(err);
        for (const producer of producers.values()) producer.close();
        producers.clear();
        options.logger.warn({ err: String(err), retryInMs: backoff }, 'outbox relay cannot publish; rows stay in the outbox');
        await pause(backoff);
        backoff = Math.min(backoff * 2, maxBackoffMs);
      }
    }
    if (stats.leader) await sql`SELECT pg_advisory_unlock(${RELAY_LOCK})`.execute(leaderConnection);
  });

  return {
    stats,
    async stop() {
      stopping = true;
      wake?.();
      await loop;
      for (const producer of producers.values()) producer.close();
    },
  };
}
