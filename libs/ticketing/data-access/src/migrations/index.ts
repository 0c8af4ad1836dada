import type { Migration } from 'kysely/migration';
import * as base from './20261202000000_ticketing_base';

/** The ticketing domain's migrations, in the order they apply. */
export const ticketingMigrations = {
  domain: 'ticketing',
  migrations: {
    '20261202000000_ticketing_base': base,
  } satisfies Record<string, Migration>,
};
