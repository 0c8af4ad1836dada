import { computeCid, xorInto, type EntryAttributes } from '@fleet/vsync-dict-bridge';
import type { KeyType, VsyncRecalculation } from '@fleet/vsync-contracts';
import { sql } from 'kysely';
import type { VsyncDb, VsyncTransaction } from './schema';
import { bitsToHex } from './vsync-bits';

// The local base of DICT entries, one key type at a time: its entries, the history of their CIDs,
// and its VSync (the XOR of its CIDs), which every change keeps up to date in the same transaction.

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

/**
 * Changes entries of one key type and, in the caller's transaction, their key type's VSync (XOR of
 * the CIDs added and removed) and the history of CIDs: they commit together or not at all.
 */
export async function changeEntries(trx: VsyncTransaction, keyType: KeyType, changes: EntryChanges): Promise<ChangeOutcome> {
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
    await sql`SELECT 1 FROM dict_entries WHERE key_type = ${keyType} AND key = ANY(${col('key')}::text[]) ORDER BY key FOR UPDATE`.execute(trx);
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
      SELECT up.key, up.cid AS new_cid, old.cid AS old_cid FROM up LEFT JOIN old USING (key)`.execute(trx);
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
      ON CONFLICT (cid) DO NOTHING`.execute(trx);
  }

  if (removals.length > 0) {
    const { rows } = await sql<{ key: string; cid: Buffer }>`
      DELETE FROM dict_entries e
      USING unnest(${removals.map((r) => r.key)}::text[], ${removals.map((r) => r.cid ?? null)}::text[]) AS r(key, cid)
      WHERE e.key_type = ${keyType} AND e.key = r.key AND (r.cid IS NULL OR e.cid = decode(r.cid, 'hex'))
      RETURNING e.key, e.cid`.execute(trx);
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
      WHERE key_type = ${keyType}`.execute(trx);
  }
  return outcome;
}

export interface IncrementalVsync {
  keyType: KeyType;
  vsync: string;
  entries: number;
}

/** The incremental VSyncs: one row each, read without touching the entries. */
export async function readVsyncs(db: VsyncDb, keyTypes?: KeyType[]): Promise<IncrementalVsync[]> {
  const { rows } = await sql<{ key_type: KeyType; bits: string; entries: number }>`
    SELECT key_type, vsync::text AS bits, entries FROM vsync_state
    ${keyTypes ? sql`WHERE key_type = ANY(${keyTypes}::text[])` : sql``} ORDER BY key_type`.execute(db);
  return rows.map((r) => ({ keyType: r.key_type, vsync: bitsToHex(r.bits), entries: Number(r.entries) }));
}

/**
 * The full recalculation, for audit: XOR of every stored CID of the key type and, in the same
 * pass, each CID re-derived from its attributes (HMAC-SHA256 in SQL), compared with the
 * incremental value. The caller's transaction must be REPEATABLE READ (checked), so both are read
 * from one snapshot and a repair loses no concurrent change (that one fails to serialize instead).
 * With `repair`, a disagreeing incremental VSync is set to the full one.
 */
export async function recalculateVsync(trx: VsyncTransaction, keyType: KeyType, options: { repair?: boolean } = {}): Promise<VsyncRecalculation> {
  const started = Date.now();
  const { rows: isolation } = await sql<{ level: string }>`SELECT current_setting('transaction_isolation') AS level`.execute(trx);
  const level = isolation[0]?.level ?? '';
  if (level !== 'repeatable read' && level !== 'serializable') throw new Error(`recalculateVsync needs a repeatable read transaction, not ${level}`);
  const [incremental] = await readVsyncs(trx, [keyType]);
  const { rows } = await sql<{ entries: number; bits: string | null; corrupt: number }>`
    SELECT count(*)::bigint AS entries,
      bit_xor(('x' || encode(cid, 'hex'))::bit(256))::text AS bits,
      count(*) FILTER (WHERE cid <> hmac(convert_to(concat_ws('&', key_type, key, owner_tax_id_number, owner_name, owner_trade_name,
        participant, branch, account_number, account_type), 'UTF8'), uuid_send(request_id), 'sha256'))::bigint AS corrupt
    FROM dict_entries WHERE key_type = ${keyType}`.execute(trx);
  const row = rows[0];
  if (!incremental || !row) throw new Error(`no VSync row for ${keyType}: migrations not applied?`);
  const full = row.bits ? bitsToHex(row.bits) : '0'.repeat(64);
  const agree = full === incremental.vsync && Number(row.entries) === incremental.entries;
  if (!agree && options.repair) {
    await sql`UPDATE vsync_state SET vsync = ('x' || ${full})::bit(256), entries = ${Number(row.entries)}, updated_at = now() WHERE key_type = ${keyType}`.execute(trx);
  }
  return {
    keyType,
    incremental: incremental.vsync,
    full,
    agree,
    entries: Number(row.entries),
    corruptEntries: Number(row.corrupt),
    millis: Date.now() - started,
  };
}
