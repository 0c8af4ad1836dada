import type { Migration } from 'kysely/migration';
import * as base from './20261202000000_campaigns_base';

/** The campaigns domain's migrations, in the order they apply. */
export const campaignsMigrations = {
  domain: 'campaigns',
  migrations: {
    '20261202000000_campaigns_base': base,
  } satisfies Record<string, Migration>,
};
