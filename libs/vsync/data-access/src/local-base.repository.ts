import { computeCid, xorInto, type EntryAttributes } from '@fleet/vsync-dict-bridge';
import type { KeyType } from '@fleet/vsync-contracts';
import { sql, type Kysely, type Transaction } from 'kysely';
import type { VsyncDatabase } from './schema';

/** An entry of the local base: the nine attributes and the RequestId that created it. */
export interface LocalEntry extends EntryAttributes {
  requestId: string;
}

export interface EntryChanges {
  /** Added, or replacing the entry of the same key (an update keeps the entry's RequestId). */
  upserts?: LocalEntry[];
  /** Removed; with `cid`, only while the entry still has that CID. */
  removals?: { key: string; cid?: string }[];
}

export interface ChangeOutcome {
  added: string[];
  updated: string[];
  removed: string[];
  /** Keys whose entry was already exactly so (or already gone): nothing changed for them. */
  unchanged: string[];
}

type Db = Kysely<VsyncDatabase> | Transaction<VsyncDatabase>;

/**
 * Changes entries of one key type and, in the same transaction, their key type's VSync (XOR of
 * the CIDs added and removed) and the history of CIDs. Pass the caller's transaction to make the
 * change part of something larger (a correction and its bookkeeping); a Kysely instance gets its own.
 */
export async function changeEntries(db: Db, keyType: KeyType, changes: EntryChanges): Promise<ChangeOutcome> {
  if (!db.isTransaction) return (db as Kysely<VsyncDatabase>).transaction().execute((tx) => changeEntries(tx, keyType, changes));
  // Last change of a key wins inside one call; a key may not be both upserted and removed.
  const upserts = [...new Map((changes.upserts ?? []).map((e) => [e.key, e])).values()];
  const removals = changes.removals ?? [];
  const upsertKeys = new Set(upserts.map((e) => e.key));
  for (const r of removals) if (upsertKeys.has(r.key)) throw new Error(`key ${r.key} is both upserted and removed in one change`);
  for (const e of upserts) if (e.keyType !== keyType) throw new Error(`entry ${e.key} is of type ${e.keyType}, not ${keyType}`);

  const outcome: ChangeOutcome = { added: [], updated: [], removed: [], unchanged: [] };
  const delta = Buffer.alloc(32);
  let entriesDelta = 0;

  if (upserts.length > 0) {
    const cids = upserts.map((e) => computeCid(e.requestId, e));
    const col = <K extends keyof LocalEntry>(k: K) => upserts.map((e) => e[k]);
    // Lock the keys first: the statement below then reads their latest CIDs (a row locked inside the
    // same statement that updates it would be skipped).
    await sql`SELECT 1 FROM dict_entries WHERE key_type = ${keyType} AND key = ANY(${col('key')}::text[]) ORDER BY key FOR UPDATE`.execute(db);
    const { rows } = await sql<{ key: string; new_cid: Buffer; old_cid: Buffer | null }>`
      WITH input AS (
        SELECT * FROM unnest(${col('key')}::text[], ${col('requestId')}::uuid[], ${cids}::text[], ${col('ownerTaxIdNumber')}::text[],
          ${col('ownerName')}::text[], ${col('ownerTradeName')}::text[], ${col('participant')}::text[], ${col('branch')}::text[],
          ${col('accountNumber')}::text[], ${col('accountType')}::text[])
          AS t(key, request_id, cid, owner_tax_id_number, owner_name, owner_trade_name, participant, branch, account_number, account_type)
      ), old AS (
        SELECT e.key, e.cid FROM dict_entries e JOIN input i ON e.key = i.key WHERE e.key_type = ${keyType}
      ), up AS (
        INSERT INTO dict_entries (key_type, key, request_id, cid, owner_tax_id_number, owner_name, owner_trade_name, participant, branch, account_number, account_type)
        SELECT ${keyType}, key, request_id, decode(cid, 'hex'), owner_tax_id_number, owner_name, owner_trade_name, participant, branch, account_number, account_type FROM input
        ON CONFLICT (key_type, key) DO UPDATE SET
          request_id = excluded.request_id, cid = excluded.cid, owner_tax_id_number = excluded.owner_tax_id_number,
          owner_name = excluded.owner_name, owner_trade_name = excluded.owner_trade_name, participant = excluded.participant,
          branch = excluded.branch, account_number = excluded.account_number, account_type = excluded.account_type, updated_at = now()
        WHERE dict_entries.cid <> excluded.cid
        RETURNING key, cid
      )
      SELECT up.key, up.cid AS new_cid, old.cid AS old_cid FROM up LEFT JOIN old USING (key)`.execute(db);
    const changed = new Set<string>();
    for (const row of rows) {
      changed.add(row.key);
      xorInto(delta, row.new_cid);
      if (row.old_cid) {
        xorInto(delta, row.old_cid);
        outcome.updated.push(row.key);
      } else {
        entriesDelta += 1;
        outcome.added.push(row.key);
      }
    }
    for (const key of upsertKeys) if (!changed.has(key)) outcome.unchanged.push(key);
    await sql`
      INSERT INTO dict_cids (cid, key_type, key, request_id)
      SELECT decode(cid, 'hex'), ${keyType}, key, request_id FROM unnest(${cids}::text[], ${col('key')}::text[], ${col('requestId')}::uuid[]) AS t(cid, key, request_id)
      ON CONFLICT (cid) DO NOTHING`.execute(db);
  }

  if (removals.length > 0) {
    const { rows } = await sql<{ key: string; cid: Buffer }>`
      DELETE FROM dict_entries e
      USING unnest(${removals.map((r) => r.key)}::text[], ${removals.map((r) => r.cid ?? null)}::text[]) AS r(key, cid)
      WHERE e.key_type = ${keyType} AND e.key = r.key AND (r.cid IS NULL OR e.cid = decode(r.cid, 'hex'))
      RETURNING e.key, e.cid`.execute(db);
    const gone = new Set<string>();
    for (const row of rows) {
      gone.add(row.key);
      xorInto(delta, row.cid);
      entriesDelta -= 1;
      outcome.removed.push(row.key);
    }
    for (const r of removals) if (!gone.has(r.key)) outcome.unchanged.push(r.key);
  }

  if (outcome.added.length + outcome.updated.length + outcome.removed.length > 0) {
    await sql`
      UPDATE vsync_state SET vsync = vsync # ('x' || ${delta.toString('hex')})::bit(256), entries = entries + ${entriesDelta}, updated_at = now()
      WHERE key_type = ${keyType}`.execute(db);
  }
  return outcome;
}
