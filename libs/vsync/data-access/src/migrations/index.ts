import type { Migration } from 'kysely/migration';
import * as vsyncBase from './20261122020000_vsync_base';

/** The vsync domain's migrations, in the order they apply. */
export const vsyncMigrations = {
  domain: 'vsync',
  migrations: {
    '20261122020000_vsync_base': vsyncBase,
  } satisfies Record<string, Migration>,
};
