import type { DivergenceCounts, KeyType } from '@fleet/vsync-contracts';
import { sql } from 'kysely';
import type { VsyncDb, VsyncTransaction } from './schema';

// The divergences a reconciliation found between DICT and the local base, one row per CID.

/**
 * Diffs a staged CID file against the local base of its key type, in SQL (two hash anti-joins),
 * in the caller's transaction: CIDs only in DICT and CIDs only local are recorded as divergences.
 * Running it again records the same divergences (those not applied yet are replaced).
 */
export async function diffStaged(trx: VsyncTransaction, reconciliationId: string, keyType: KeyType): Promise<DivergenceCounts> {
  await trx.deleteFrom('vsync_divergences').where('reconciliation_id', '=', reconciliationId).where('applied_at', 'is', null).execute();
  await sql`
    INSERT INTO vsync_divergences (reconciliation_id, cid, kind, key)
    SELECT ${reconciliationId}, s.cid, 'only_in_dict', NULL
    FROM (SELECT DISTINCT decode(cid, 'hex') AS cid FROM vsync_cid_staging WHERE reconciliation_id = ${reconciliationId}) s
    WHERE NOT EXISTS (SELECT 1 FROM dict_entries e WHERE e.key_type = ${keyType} AND e.cid = s.cid)
    UNION ALL
    SELECT ${reconciliationId}, e.cid, 'only_local', e.key
    FROM dict_entries e
    WHERE e.key_type = ${keyType}
      AND NOT EXISTS (SELECT 1 FROM vsync_cid_staging s WHERE s.reconciliation_id = ${reconciliationId} AND decode(s.cid, 'hex') = e.cid)
    ON CONFLICT (reconciliation_id, cid) DO NOTHING`.execute(trx);
  return countDivergences(trx, reconciliationId);
}

/**
 * Records divergences found from DICT's CID events, in the caller's transaction: an ADDED CID not
 * held locally is only in DICT; a REMOVED CID still held locally is only local.
 */
export async function recordEventDivergences(
  trx: VsyncTransaction,
  reconciliationId: string,
  keyType: KeyType,
  net: { added: string[]; removed: string[] },
): Promise<DivergenceCounts> {
  await trx.deleteFrom('vsync_divergences').where('reconciliation_id', '=', reconciliationId).where('applied_at', 'is', null).execute();
  await sql`
    INSERT INTO vsync_divergences (reconciliation_id, cid, kind, key)
    SELECT ${reconciliationId}, a.cid, 'only_in_dict', NULL
    FROM (SELECT DISTINCT decode(c, 'hex') AS cid FROM unnest(${net.added}::text[]) AS t(c)) a
    WHERE NOT EXISTS (
      SELECT 1 FROM dict_cids h JOIN dict_entries e ON e.key_type = h.key_type AND e.key = h.key AND e.cid = h.cid
      WHERE h.cid = a.cid AND h.key_type = ${keyType})
    UNION ALL
    SELECT ${reconciliationId}, e.cid, 'only_local', e.key
    FROM (SELECT DISTINCT decode(c, 'hex') AS cid FROM unnest(${net.removed}::text[]) AS t(c)) r
    JOIN dict_cids h ON h.cid = r.cid AND h.key_type = ${keyType}
    JOIN dict_entries e ON e.key_type = h.key_type AND e.key = h.key AND e.cid = h.cid
    ON CONFLICT (reconciliation_id, cid) DO NOTHING`.execute(trx);
  return countDivergences(trx, reconciliationId);
}

export async function countDivergences(db: VsyncDb, reconciliationId: string): Promise<DivergenceCounts> {
  const { rows } = await sql<{ kind: string; n: number }>`
    SELECT kind, count(*)::bigint AS n FROM vsync_divergences WHERE reconciliation_id = ${reconciliationId} GROUP BY kind`.execute(db);
  const n = (kind: string) => Number(rows.find((r) => r.kind === kind)?.n ?? 0);
  return { onlyInDict: n('only_in_dict'), onlyLocal: n('only_local') };
}

export interface PendingDivergence {
  cid: string;
  kind: 'only_in_dict' | 'only_local';
  key: string | null;
}

/** The next corrections to apply: those only in DICT first (an attribute fix replaces the old CID), then removals. */
export async function nextPendingDivergences(db: VsyncDb, reconciliationId: string, limit: number): Promise<PendingDivergence[]> {
  const rows = await db
    .selectFrom('vsync_divergences')
    .select(['cid', 'kind', 'key'])
    .where('reconciliation_id', '=', reconciliationId)
    .where('applied_at', 'is', null)
    .orderBy('kind')
    .orderBy('cid')
    .limit(limit)
    .execute();
  return rows.map((r) => ({ cid: r.cid.toString('hex'), kind: r.kind, key: r.key }));
}
