import type { Kysely } from 'kysely';
import type { TicketingDatabase } from '../schema';

/** Every recorded sample, for tests. */
export function readSamples(db: Kysely<TicketingDatabase>) {
  return db.selectFrom('ticketing_samples').select(['sample_id', 'text']).orderBy('sample_id').execute();
}
