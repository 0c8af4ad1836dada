import type { IsoDate, KeyType } from '@fleet/vsync-contracts';
import { sql } from 'kysely';
import type { VsyncDb, VsyncTransaction } from './schema';

// The reconciliation log: one row per reconciliation, its claim on the key type while active,
// its phase, the notifications sent and its result; its staged CID file lives only while it runs.

/**
 * Claims the key type for a reconciliation, in the caller's transaction: at most one is active per
 * key type (a unique partial index). Claiming again with the same id is a no-op that succeeds (a retried activity).
 */
export async function claimReconciliation(
  trx: VsyncTransaction,
  input: { reconciliationId: string; keyType: KeyType; day: IsoDate; triggeredBy?: string },
): Promise<{ claimed: boolean; activeId?: string }> {
  const active = await trx
    .selectFrom('vsync_reconciliations')
    .select('reconciliation_id')
    .where('key_type', '=', input.keyType)
    .where('active', '=', true)
    .forUpdate()
    .executeTakeFirst();
  if (active) return active.reconciliation_id === input.reconciliationId ? { claimed: true } : { claimed: false, activeId: active.reconciliation_id };
  // A reconciliation of the same id that ran before (a later one the same day) starts afresh.
  await trx.deleteFrom('vsync_divergences').where('reconciliation_id', '=', input.reconciliationId).execute();
  await sql`
    INSERT INTO vsync_reconciliations (reconciliation_id, key_type, day, triggered_by, phase, active)
    VALUES (${input.reconciliationId}, ${input.keyType}, ${input.day}, ${input.triggeredBy ?? null}, 'starting', true)
    ON CONFLICT (reconciliation_id) DO UPDATE SET active = true, phase = 'starting', outcome = NULL, result = NULL,
      triggered_by = excluded.triggered_by, timings = '{}', started_at = now(), finished_at = NULL`.execute(trx);
  return { claimed: true };
}

/** Records the phase a reconciliation is in (what `GET /vsync/reconciliations` shows between queries). */
export async function notePhase(db: VsyncDb, reconciliationId: string, phase: string): Promise<void> {
  await db.updateTable('vsync_reconciliations').set({ phase }).where('reconciliation_id', '=', reconciliationId).execute();
}

/** Marks a kind of notification sent for the reconciliation; true the first time only (a retried activity does not notify twice). */
export async function markNotified(db: VsyncDb, reconciliationId: string, kind: string): Promise<boolean> {
  const fresh = await sql`
    UPDATE vsync_reconciliations SET notified = array_append(notified, ${kind})
    WHERE reconciliation_id = ${reconciliationId} AND NOT (${kind} = ANY(notified))`.execute(db);
  return Number(fresh.numAffectedRows ?? 0) > 0;
}

/**
 * Ends a reconciliation in the caller's transaction: its result is logged, its staging rows
 * dropped, and the key type is free again. True when this call ended it (false when an earlier attempt already had).
 */
export async function finishReconciliationLog(
  trx: VsyncTransaction,
  reconciliationId: string,
  outcome: string,
  result: unknown,
  timings: Record<string, number>,
): Promise<boolean> {
  const ended = await sql`
    UPDATE vsync_reconciliations SET active = false, phase = 'done', outcome = ${outcome}, result = ${JSON.stringify(result)}::jsonb,
      timings = timings || ${JSON.stringify(timings)}::jsonb, finished_at = now()
    WHERE reconciliation_id = ${reconciliationId} AND active`.execute(trx);
  await sql`DELETE FROM vsync_cid_staging WHERE reconciliation_id = ${reconciliationId}`.execute(trx);
  return Number(ended.numAffectedRows ?? 0) === 1;
}
