import type { Kysely } from 'kysely';
import type { LicenseDatabase } from '@fleet/license-data-access';
import type { Outbox } from '@fleet/shared-events';
import type { Logger } from '@fleet/shared-observability';
import type { LicenseMetrics } from './metrics';

/** What the license activities are built from; the worker and the tests wire real or test ones the same way. */
export interface LicenseActivityDeps {
  db: Kysely<LicenseDatabase>;
  logger: Logger;
  /** Where the domain's events are written, in the same transaction as each change. */
  outbox: Outbox;
  metrics?: LicenseMetrics;
}
