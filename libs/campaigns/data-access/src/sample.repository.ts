import type { Kysely, Transaction } from 'kysely';
import type { CampaignsDatabase } from './schema';

type Db = Kysely<CampaignsDatabase> | Transaction<CampaignsDatabase>;

/** Inserts the sample unless it exists; answers whether it was inserted and when it was recorded. */
export async function insertSample(db: Db, sample: { sampleId: string; text: string }): Promise<{ inserted: boolean; recordedAt: Date }> {
  const inserted = await db
    .insertInto('campaigns_samples')
    .values({ sample_id: sample.sampleId, text: sample.text, recorded_at: new Date() })
    .onConflict((oc) => oc.column('sample_id').doNothing())
    .returning('recorded_at')
    .executeTakeFirst();
  if (inserted) return { inserted: true, recordedAt: inserted.recorded_at };
  const existing = await db.selectFrom('campaigns_samples').select('recorded_at').where('sample_id', '=', sample.sampleId).executeTakeFirstOrThrow();
  return { inserted: false, recordedAt: existing.recorded_at };
}
