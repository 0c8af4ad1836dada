import { sql, type Kysely, type Transaction } from 'kysely';
import type { EventEnvelope } from '@fleet/shared-event-contracts';
import type { Logger } from '@fleet/shared-observability';
import { PulsarConsumer, type IncomingMessage, type SubscriptionType } from './pulsar-ws';

export interface ConsumeOptions {
  wsUrl: string;
  topic: string;
  subscription: string;
  subscriptionType?: SubscriptionType;
  /** Failed deliveries before the message goes to the dead-letter topic. Default 5. */
  maxAttempts?: number;
  /** Default `{topic}-{subscription}-DLQ`. */
  deadLetterTopic?: string;
  /** Redelivery delay after a failure, ms. Default 1000. */
  retryDelayMs?: number;
  /**
   * De-duplication by event id in this database (the `event_inbox` table): the handler runs in
   * the same transaction as the inbox row, so an event's effects happen once. Without it, ids are
   * remembered in memory (the last `memoryDedupSize`), which suits handlers with no state of their own.
   */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  db?: Kysely<any>;
  memoryDedupSize?: number;
  logger: Logger;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  handle: (event: EventEnvelope, tx: Transaction<any> | undefined, message: IncomingMessage) => Promise<void>;
}

export interface RunningConsumer {
  stats: { handled: number; duplicates: number; failures: number };
  stop(): Promise<void>;
}

/**
 * Consumes a topic: acknowledges after the handler succeeded, negatively acknowledges when it
 * failed (the broker redelivers, and after `maxAttempts` moves the message to the dead-letter
 * topic), and skips events it has handled before. Messages are handled one at a time, in order.
 * Reconnects with backoff when the broker goes away.
 */
export function consumeEvents(options: ConsumeOptions): RunningConsumer {
  const stats = { handled: 0, duplicates: 0, failures: 0 };
  let stopping = false;
  let consumer: PulsarConsumer | undefined;
  let chain = Promise.resolve();

  const seen = new Set<string>();
  const memoryDedupSize = options.memoryDedupSize ?? 100_000;
  const handleInMemory = async (event: EventEnvelope, message: IncomingMessage): Promise<boolean> => {
    if (seen.has(event.id)) return false;
    await options.handle(event, undefined, message);
    seen.add(event.id);
    // A Set iterates in insertion order: drop the oldest id.
    if (seen.size > memoryDedupSize) seen.delete(seen.values().next().value as string);
    return true;
  };
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const handleInInbox = (db: Kysely<any>, event: EventEnvelope, message: IncomingMessage): Promise<boolean> =>
    db.transaction().execute(async (tx) => {
      const inserted = await sql`
        INSERT INTO event_inbox (subscription, event_id) VALUES (${options.subscription}, ${event.id})
        ON CONFLICT DO NOTHING`.execute(tx);
      if (Number(inserted.numAffectedRows ?? 0) === 0) return false;
      await options.handle(event, tx, message);
      return true;
    });

  const handleOne = async (c: PulsarConsumer, message: IncomingMessage) => {
    try {
      const event = JSON.parse(message.payload) as EventEnvelope;
      const fresh = options.db ? await handleInInbox(options.db, event, message) : await handleInMemory(event, message);
      if (fresh) stats.handled += 1;
      else stats.duplicates += 1;
      c.ack(message.messageId);
    } catch (err) {
      stats.failures += 1;
      options.logger.warn({ err: String(err), messageId: message.messageId, attempt: message.redeliveryCount + 1 }, 'event handler failed');
      c.negativeAck(message.messageId);
    }
  };

  const loop = (async () => {
    let backoff = 100;
    while (!stopping) {
      try {
        consumer = await PulsarConsumer.connect(options.wsUrl, options.topic, {
          subscription: options.subscription,
          subscriptionType: options.subscriptionType ?? 'Shared',
          maxRedeliverCount: (options.maxAttempts ?? 5) - 1,
          deadLetterTopic: options.deadLetterTopic,
          negativeAckRedeliveryDelayMs: options.retryDelayMs ?? 1000,
        });
        backoff = 100;
        const c = consumer;
        await c.run((message) => {
          chain = chain.then(() => handleOne(c, message));
        });
      } catch (err) {
        if (!stopping) options.logger.warn({ err: String(err), retryInMs: backoff }, 'consumer cannot connect');
      }
      if (!stopping) {
        await new Promise((r) => setTimeout(r, backoff));
        backoff = Math.min(backoff * 2, 5000);
      }
    }
  })();

  return {
    stats,
    async stop() {
      stopping = true;
      consumer?.close();
      await loop;
      await chain;
    },
  };
}
