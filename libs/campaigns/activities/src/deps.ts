import type { CampaignsDatabase } from '@fleet/campaigns-data-access';
import type { Outbox } from '@fleet/shared-events';
import type { Logger } from '@fleet/shared-observability';
import type { Kysely } from 'kysely';

export interface CampaignsActivityDeps {
  db: Kysely<CampaignsDatabase>;
  /** Where the domain's events are written, in the same transaction as each change. */
  outbox: Outbox;
  logger: Logger;
}
