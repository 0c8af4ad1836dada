import type { TicketingDatabase } from '@fleet/ticketing-data-access';
import type { Outbox } from '@fleet/shared-events';
import type { Logger } from '@fleet/shared-observability';
import type { Kysely } from 'kysely';

export interface TicketingActivityDeps {
  db: Kysely<TicketingDatabase>;
  /** Where the domain's events are written, in the same transaction as each change. */
  outbox: Outbox;
  logger: Logger;
}
