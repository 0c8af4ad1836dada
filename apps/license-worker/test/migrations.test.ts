import { licenseMigrations, type LicenseDatabase } from '@fleet/license-data-access';
import { createDb, migrateToLatest } from '@fleet/shared-db';
import { createTestContext, type TestContext } from '@fleet/tools-infra/testing';
import { sql } from 'kysely';

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestContext('migrations');
});
afterAll(() => ctx.close());

it('migrations run once even when several instances start at the same moment', async () => {
  const dbs = [0, 1, 2].map(() => createDb<LicenseDatabase>(ctx.databaseUrl));
  try {
    const applied = await Promise.all(dbs.map((db) => migrateToLatest(db, licenseMigrations)));
    expect(applied.flat()).toEqual(['20261122000000_license_base']);
    expect(await migrateToLatest(dbs[0]!, licenseMigrations)).toEqual([]);
    const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM license_migration`.execute(dbs[0]!);
    expect(rows[0]!.n).toBe(1);
  } finally {
    await Promise.all(dbs.map((db) => db.destroy()));
  }
});
