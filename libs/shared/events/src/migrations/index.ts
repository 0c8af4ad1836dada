import type { Migration } from 'kysely/migration';
import * as outbox from './20261122010000_events_outbox';

/** The outbox and inbox tables, migrated into each app's own database. */
export const eventsMigrations = {
  domain: 'events',
  migrations: { '20261122010000_events_outbox': outbox } satisfies Record<string, Migration>,
};
