import type { DictBridgeClient } from '@fleet/vsync-dict-bridge';
import type { Outbox } from '@fleet/shared-events';
import type { Logger } from '@fleet/shared-observability';
import type { VsyncDatabase } from '@fleet/vsync-data-access';
import type { Kysely } from 'kysely';
import type { Pool } from 'pg';
import type { VsyncMetrics } from './metrics';

/** What the vsync activities are built from; the worker and the tests wire real or test ones the same way. */
export interface VsyncActivityDeps {
  db: Kysely<VsyncDatabase>;
  /** For COPY streams, which kysely does not do (handed to the data-access lib's staging). */
  pool: Pool;
  bridge: DictBridgeClient;
  /** This participant's ISPB. */
  participant: string;
  outbox: Outbox;
  logger: Logger;
  /** getEntryByCid calls in flight while applying corrections (the client's buckets still pace them). */
  lookupConcurrency?: number;
  metrics?: VsyncMetrics;
}
