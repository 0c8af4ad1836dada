import type { ColumnType, Generated } from 'kysely';

export interface CampaignsSamplesTable {
  sample_id: string;
  text: string;
  recorded_at: ColumnType<Date, Date | string | undefined, never>;
  created_at: Generated<Date>;
}

/** The campaign-worker's database (its own). */
export interface CampaignsDatabase {
  campaigns_samples: CampaignsSamplesTable;
}
