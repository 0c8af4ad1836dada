import type { Kysely } from 'kysely';
import type { CampaignsDatabase } from '../schema';

/** Every recorded sample, for tests. */
export function readSamples(db: Kysely<CampaignsDatabase>) {
  return db.selectFrom('campaigns_samples').select(['sample_id', 'text']).orderBy('sample_id').execute();
}
