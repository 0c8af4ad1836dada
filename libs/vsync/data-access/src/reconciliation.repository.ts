import type { IsoDate, KeyType } from '@fleet/vsync-contracts';
import { sql, type Kysely, type Transaction } from 'kysely';
import type { VsyncDatabase } from './schema';

type Db = Kysely<VsyncDatabase> | Transaction<VsyncDatabase>;

/**
 * Claims the key type for a reconciliation: at most one is active per key type (a unique partial
 * index). Claiming again with the same id is a no-op that succeeds (a retried activity).
 */
export async function claimReconciliation(
  db: Kysely<VsyncDatabase>,
  input: { reconciliationId: string; keyType: KeyType; day: IsoDate; triggeredBy?: string },
): Promise<{ claimed: boolean; activeId?: string }> {
  return db.transaction().execute(async (tx) => {
    const active = await tx
      .selectFrom('vsync_reconciliations')
      .select('reconciliation_id')
      .where('key_type', '=', input.keyType)
      .where('active', '=', true)
      .forUpdate()
      .executeTakeFirst();
    if (active) return active.reconciliation_id === input.reconciliationId ? { claimed: true } : { claimed: false, activeId: active.reconciliation_id };
    // A reconciliation of the same id that ran before (a later one the same day) starts afresh.
    await tx.deleteFrom('vsync_divergences').where('reconciliation_id', '=', input.reconciliationId).execute();
    await sql`
      INSERT INTO vsync_reconciliations (reconciliation_id, key_type, day, triggered_by, phase, active)
      VALUES (${input.reconciliationId}, ${input.keyType}, ${input.day}, ${input.triggeredBy ?? null}, 'starting', true)
      ON CONFLICT (reconciliation_id) DO UPDATE SET active = true, phase = 'starting', outcome = NULL, result = NULL,
        triggered_by = excluded.triggered_by, timings = '{}', started_at = now(), finished_at = NULL`.execute(tx);
    return { claimed: true };
  });
}

/** Records the phase a reconciliation is in (what `GET /vsync/reconciliations` shows between queries). */
export async function notePhase(db: Db, reconciliationId: string, phase: string): Promise<void> {
  await db.updateTable('vsync_reconciliations').set({ phase }).where('reconciliation_id', '=', reconciliationId).execute();
}

/**
 * Ends a reconciliation: its result is logged, its staging rows dropped, and the key type is free
 * again. True when this call ended it (false when an earlier attempt already had).
 */
export async function finishReconciliationLog(db: Db, reconciliationId: string, outcome: string, result: unknown, timings: Record<string, number>): Promise<boolean> {
  const ended = await sql`
    UPDATE vsync_reconciliations SET active = false, phase = 'done', outcome = ${outcome}, result = ${JSON.stringify(result)}::jsonb,
      timings = timings || ${JSON.stringify(timings)}::jsonb, finished_at = now()
    WHERE reconciliation_id = ${reconciliationId} AND active`.execute(db);
  await sql`DELETE FROM vsync_cid_staging WHERE reconciliation_id = ${reconciliationId}`.execute(db);
  return Number(ended.numAffectedRows ?? 0) === 1;
}
