import type { Kysely, Transaction } from 'kysely';
import type { TicketingDatabase } from './schema';

type Db = Kysely<TicketingDatabase> | Transaction<TicketingDatabase>;

/** Inserts the sample unless it exists; answers whether it was inserted and when it was recorded. */
export async function insertSample(db: Db, sample: { sampleId: string; text: string }): Promise<{ inserted: boolean; recordedAt: Date }> {
  const inserted = await db
    .insertInto('ticketing_samples')
    .values({ sample_id: sample.sampleId, text: sample.text, recorded_at: new Date() })
    .onConflict((oc) => oc.column('sample_id').doNothing())
    .returning('recorded_at')
    .executeTakeFirst();
  if (inserted) return { inserted: true, recordedAt: inserted.recorded_at };
  const existing = await db.selectFrom('ticketing_samples').select('recorded_at').where('sample_id', '=', sample.sampleId).executeTakeFirstOrThrow();
  return { inserted: false, recordedAt: existing.recorded_at };
}
