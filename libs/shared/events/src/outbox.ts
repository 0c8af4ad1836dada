import { randomUUID } from 'node:crypto';
import { sql, type Kysely, type Transaction } from 'kysely';
import { FLEET_TENANT, topicOf, type EventDefinition, type EventEnvelope } from '@fleet/shared-event-contracts';

export interface NewEvent<Data> {
  subject: string;
  data: Data;
  /** When the change happened; now by default. */
  time?: Date;
}

/**
 * The transactional outbox: events are written inside the caller's transaction, so they exist if
 * and only if the change they describe commits. One statement for any number of events.
 */
export interface Outbox {
  /** Appends events inside the caller's transaction; returns how many were written. */
  append<Type extends string, Data>(
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- any app's database with the outbox table
    tx: Transaction<any> | Kysely<any>,
    definition: EventDefinition<Type, Data>,
    events: NewEvent<Data>[],
  ): Promise<number>;
}

/** An app's outbox: its name as the events' source, and the tenant its topics live in. */
export function createOutbox(source: string, tenant: string = FLEET_TENANT): Outbox {
  return { append: (tx, definition, events) => appendToOutbox(tx, source, tenant, definition, events) };
}

async function appendToOutbox<Type extends string, Data>(
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  tx: Transaction<any> | Kysely<any>,
  source: string,
  tenant: string,
  definition: EventDefinition<Type, Data>,
  events: NewEvent<Data>[],
): Promise<number> {
  if (events.length === 0) return 0;
  const envelopes = events.map((e): EventEnvelope<Type, Data> => ({
    specversion: '1.0',
    id: randomUUID(),
    type: definition.type,
    source,
    subject: e.subject,
    time: (e.time ?? new Date()).toISOString(),
    datacontenttype: 'application/json',
    schemaversion: definition.schemaVersion,
    data: e.data,
  }));
  const result = await sql`
    INSERT INTO event_outbox (event_id, topic, subject, envelope)
    SELECT id::uuid, ${topicOf(definition, tenant)}, subject, envelope
    FROM unnest(${envelopes.map((e) => e.id)}::text[], ${envelopes.map((e) => e.subject)}::text[],
                ${envelopes.map((e) => JSON.stringify(e))}::text[]) AS t(id, subject, envelope)`.execute(tx);
  return Number(result.numAffectedRows ?? 0);
}
