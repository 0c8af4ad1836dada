import type { AppliedCounts, KeyType } from '@fleet/vsync-contracts';
import { sql } from 'kysely';
import type { PendingDivergence } from './divergence.repository';
import { changeEntries, type LocalEntry } from './local-base.repository';
import type { VsyncDb, VsyncTransaction } from './schema';

// Corrections: divergences applied to the local base, each once, with an audit row.

export interface ResolvedDivergence extends PendingDivergence {
  /** For a CID only in DICT: the entry DICT holds for it, or null when DICT no longer has it. */
  entry?: LocalEntry | null;
}

/**
 * Applies one batch of corrections in the caller's transaction: the entries, the VSync, the
 * divergences marked applied and the audit rows commit together. Divergences already applied (by
 * an earlier attempt that committed) are locked out and skipped, so a retry never applies a correction twice.
 */
export async function applyCorrectionBatch(
  tx: VsyncTransaction,
  reconciliationId: string,
  keyType: KeyType,
  batch: ResolvedDivergence[],
): Promise<AppliedCounts> {
  const { rows: pending } = await sql<{ cid: string }>`
    SELECT encode(cid, 'hex') AS cid FROM vsync_divergences
    WHERE reconciliation_id = ${reconciliationId} AND cid IN (SELECT decode(c, 'hex') FROM unnest(${batch.map((d) => d.cid)}::text[]) AS t(c)) AND applied_at IS NULL
    FOR UPDATE`.execute(tx);
  const open = new Set(pending.map((r) => r.cid));
  const toApply = batch.filter((d) => open.has(d.cid));
  const counts: AppliedCounts = { added: 0, updated: 0, removed: 0, vanished: 0 };
  if (toApply.length === 0) return counts;

  const upserts = toApply.flatMap((d) => (d.kind === 'only_in_dict' && d.entry ? [d.entry] : []));
  // The old CID of an entry whose attributes DICT changed is replaced by the upsert, not removed.
  const upserted = new Set(upserts.map((e) => e.key));
  const removals = toApply.flatMap((d) => (d.kind === 'only_local' && d.key !== null && !upserted.has(d.key) ? [{ key: d.key, cid: d.cid }] : []));
  const outcome = await changeEntries(tx, keyType, {
    upserts,
    removals,
  });
  const added = new Set(outcome.added);
  const updated = new Set(outcome.updated);
  const removed = new Set(outcome.removed);
  const actionOf = (d: ResolvedDivergence): string => {
    if (d.kind === 'only_in_dict') {
      if (!d.entry) return 'vanished';
      return added.has(d.entry.key) ? 'added' : updated.has(d.entry.key) ? 'updated' : 'none';
    }
    return removed.has(d.key ?? '') ? 'removed' : 'none';
  };
  const actions = toApply.map(actionOf);
  for (const a of actions) if (a in counts) counts[a as keyof AppliedCounts] += 1;

  const cids = toApply.map((d) => d.cid);
  const keys = toApply.map((d) => d.entry?.key ?? d.key);
  await sql`
    UPDATE vsync_divergences d SET applied_at = now(), outcome = t.action
    FROM unnest(${cids}::text[], ${actions}::text[]) AS t(cid, action)
    WHERE d.reconciliation_id = ${reconciliationId} AND d.cid = decode(t.cid, 'hex')`.execute(tx);
  await sql`
    INSERT INTO vsync_corrections (reconciliation_id, cid, action, key)
    SELECT ${reconciliationId}, decode(cid, 'hex'), action, key FROM unnest(${cids}::text[], ${actions}::text[], ${keys}::text[]) AS t(cid, action, key)`.execute(tx);
  return counts;
}

/** What the reconciliation's corrections did, counting every attempt's (the totals are the reconciliation's). */
export async function countAppliedCorrections(db: VsyncDb, reconciliationId: string): Promise<AppliedCounts> {
  const { rows } = await sql<{ outcome: string; n: number }>`
    SELECT outcome, count(*)::bigint AS n FROM vsync_divergences
    WHERE reconciliation_id = ${reconciliationId} AND applied_at IS NOT NULL GROUP BY outcome`.execute(db);
  const n = (o: string) => Number(rows.find((r) => r.outcome === o)?.n ?? 0);
  return { added: n('added'), updated: n('updated'), removed: n('removed'), vanished: n('vanished') };
}
