import type { KeyType, KeyTypeVerification } from '@fleet/vsync-contracts';
import { sql } from 'kysely';
import type { VsyncDb } from './schema';

// The verification log: each answer DICT gave, and each daily run once.

export async function recordVerification(db: VsyncDb, v: KeyTypeVerification & { requestedBy: string }): Promise<void> {
  await db
    .insertInto('vsync_verifications')
    .values({
      key_type: v.keyType,
      vsync: v.vsync,
      entries: v.entries,
      result: v.result,
      dict_verification_id: v.dictVerificationId,
      requested_by: v.requestedBy,
      verified_at: new Date(v.verifiedAt),
    } as never)
    .execute();
}

/** When DICT last answered OK for the key type. */
export async function lastOkAt(db: VsyncDb, keyType: KeyType): Promise<Date | null> {
  const row = await db
    .selectFrom('vsync_verifications')
    .select('verified_at')
    .where('key_type', '=', keyType)
    .where('result', '=', 'OK')
    .orderBy('verified_at', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row?.verified_at ?? null;
}

/** Logs a verification run once; true when this call logged it (so its summary is published once). */
export async function recordVerificationRun(db: VsyncDb, runId: string, day: string, summary: unknown): Promise<boolean> {
  const result = await sql`
    INSERT INTO vsync_verification_runs (run_id, day, summary) VALUES (${runId}, ${day}, ${JSON.stringify(summary)}::jsonb)
    ON CONFLICT (run_id) DO NOTHING`.execute(db);
  return Number(result.numAffectedRows ?? 0) === 1;
}
