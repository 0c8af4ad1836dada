import type { Kysely } from 'kysely';
import { Migrator, type Migration } from 'kysely/migration';

/** A domain's migrations, keyed by timestamp-prefixed names, applied in name order. */
export interface MigrationSet {
  /** The domain that owns them: each domain keeps its own migration table. */
  domain: string;
  migrations: Record<string, Migration>;
}

/**
 * Applies every pending migration. Safe to call at every start and from several instances at
 * once: kysely's migrator holds a lock while it runs, and applied migrations are skipped.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any domain's database
export async function migrateToLatest(db: Kysely<any>, set: MigrationSet): Promise<string[]> {
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => set.migrations },
    migrationTableName: `${set.domain}_migration`,
    migrationLockTableName: `${set.domain}_migration_lock`,
  });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error) {
    const where = failed ? ` (migration ${failed.migrationName})` : '';
    throw new Error(`${set.domain} migrations failed${where}: ${String(error)}`, { cause: error });
  }
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
