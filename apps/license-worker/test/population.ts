import { seedAgents } from '@fleet/license-data-access/testing';
import type { LicenseDatabase } from '@fleet/license-data-access';
import { sql, type Kysely } from 'kysely';

/**
 * The mixed population of the deactivation tests, for batch date 2026-06-15 with a 3-day grace
 * period (cutoff 2026-06-12: a license renewing before that day is expired).
 */
export const MIXED = {
  batchDate: '2026-06-15',
  gracePeriodDays: 3,
  expected: {
    expiredLicenses: 32,
    agentsDeactivated: 32,
    portalAccessDisabled: 29,
    commissionsStopped: 32,
    notificationsQueued: 32,
  },
} as const;

export async function seedMixedPopulation(db: Kysely<LicenseDatabase>): Promise<void> {
  // Expired long ago: deactivated.
  await seedAgents(db, { prefix: 'EXP', count: 25, renewalDate: '2026-01-01' });
  // Renewing next December: untouched.
  await seedAgents(db, { prefix: 'VAL', count: 10, renewalDate: '2026-12-31' });
  // Already deactivated for another reason: untouched, no second notification.
  await seedAgents(db, { prefix: 'OLD', count: 5, renewalDate: '2026-01-01', status: 'DEACTIVATED', statusReason: 'FRAUD', portalEnabled: false, commissionActive: false });
  // Within the grace period (renewal on the cutoff day or after): untouched.
  await seedAgents(db, { prefix: 'GRC', count: 4, renewalDate: '2026-06-12' });
  // The day before the cutoff: expired.
  await seedAgents(db, { prefix: 'EDG', count: 3, renewalDate: '2026-06-11' });
  // Suspended with portal already off: deactivated; portal not counted again.
  await seedAgents(db, { prefix: 'SUS', count: 3, renewalDate: '2026-02-01', status: 'SUSPENDED', statusReason: 'AUDIT', portalEnabled: false });
  // One valid license and one expired license: deactivated (any expired license counts).
  await seedAgents(db, { prefix: 'TWO', count: 1, renewalDate: '2027-01-01' });
  await sql`INSERT INTO agent_licenses (license_id, agent_id, license_number, renewal_date)
            VALUES ('LIC-TWO-B', 'TWO00000000', 'IRDAI-TWO-B', '2026-03-01')`.execute(db);
}

/** Every row the deactivation may touch, for "nothing changed" comparisons. */
export async function snapshot(db: Kysely<LicenseDatabase>): Promise<string> {
  const tables = ['agent_profiles', 'portal_access', 'commission_processing', 'notifications', 'agent_status_history'] as const;
  const parts: unknown[] = [];
  for (const table of tables) {
    parts.push(await sql`SELECT * FROM ${sql.table(table)} ORDER BY 1`.execute(db).then((r) => r.rows));
  }
  return JSON.stringify(parts);
}
