/**
 * The license domain's part of `npm start`'s demo (loaded once, on a fresh data folder, unless
 * FLEET_DEMO=0): agents whose licenses expired, expire within 30 days, or are valid for months,
 * in the worker's own database, so a deactivation and the renewal reminders have work to do.
 */
import { addDays, dayInTimeZone, LICENSE_TIME_ZONE } from '@fleet/license-contracts';
import { licenseMigrations, type LicenseDatabase } from '@fleet/license-data-access';
import { seedAgents } from '@fleet/license-data-access/testing';
import { createDb, migrateToLatest } from '@fleet/shared-db';
import { sql } from 'kysely';

export const DEMO_AGENTS = [
  { prefix: 'DEMO-EXPIRED-', count: 40, renewalInDays: -20, what: 'expired 20 days ago' },
  { prefix: 'DEMO-EXPIRING-', count: 15, renewalInDays: 12, what: 'expiring in 12 days' },
  { prefix: 'DEMO-VALID-', count: 45, renewalInDays: 200, what: 'valid for 200 days' },
] as const;

/** Loads the demo into an empty license base; says what it did (or why it did nothing). */
export async function loadDemo(env: NodeJS.ProcessEnv): Promise<string> {
  if (!env.DATABASE_URL) throw new Error('DATABASE_URL is not set');
  const db = createDb<LicenseDatabase>(env.DATABASE_URL, { maxConnections: 2, applicationName: 'license-demo' });
  try {
    // The worker migrates at its start too; migrating is idempotent and one at a time.
    await migrateToLatest(db, licenseMigrations);
    const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM agent_profiles`.execute(db);
    if ((rows[0]?.n ?? 0) > 0) return `not loaded: the license base has ${rows[0]?.n} agents already`;
    const today = dayInTimeZone(new Date(), LICENSE_TIME_ZONE);
    await db.transaction().execute(async (tx) => {
      for (const run of DEMO_AGENTS) await seedAgents(tx, { prefix: run.prefix, count: run.count, renewalDate: addDays(today, run.renewalInDays) });
    });
    return `${DEMO_AGENTS.map((r) => `${r.count} agents ${r.what}`).join(', ')} (${DEMO_AGENTS.map((r) => `${r.prefix}*`).join(', ')})`;
  } finally {
    await db.destroy();
  }
}
