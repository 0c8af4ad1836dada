import type { ColumnType, Generated } from 'kysely';

export interface TicketingSamplesTable {
  sample_id: string;
  text: string;
  recorded_at: ColumnType<Date, Date | string | undefined, never>;
  created_at: Generated<Date>;
}

/** The ticketing-worker's database (its own). */
export interface TicketingDatabase {
  ticketing_samples: TicketingSamplesTable;
}
