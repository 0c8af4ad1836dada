import type { Migration } from 'kysely/migration';
import * as licenseBase from './20261122000000_license_base';

/** The license domain's migrations, in the order they apply. */
export const licenseMigrations = {
  domain: 'license',
  migrations: {
    '20261122000000_license_base': licenseBase,
  } satisfies Record<string, Migration>,
};
