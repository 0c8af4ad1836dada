import type { KeyType, VsyncRecalculation } from '@fleet/vsync-contracts';
import { sql, type Kysely } from 'kysely';
import type { VsyncDatabase } from './schema';
import { bitsToHex } from './vsync-bits';

export interface IncrementalVsync {
  keyType: KeyType;
  vsync: string;
  entries: number;
}

/** The incremental VSyncs: one row each, read without touching the entries. */
export async function readVsyncs(db: Kysely<VsyncDatabase>, keyTypes?: KeyType[]): Promise<IncrementalVsync[]> {
  const { rows } = await sql<{ key_type: KeyType; bits: string; entries: number }>`
    SELECT key_type, vsync::text AS bits, entries FROM vsync_state
    ${keyTypes ? sql`WHERE key_type = ANY(${keyTypes}::text[])` : sql``} ORDER BY key_type`.execute(db);
  return rows.map((r) => ({ keyType: r.key_type, vsync: bitsToHex(r.bits), entries: Number(r.entries) }));
}

/**
 * The full recalculation, for audit: XOR of every stored CID of the key type and, in the same
 * pass, each CID re-derived from its attributes (HMAC-SHA256 in SQL), all in one snapshot with
 * the incremental value. With `repair`, a disagreeing incremental VSync is set to the full one.
 */
export async function recalculateVsync(db: Kysely<VsyncDatabase>, keyType: KeyType, options: { repair?: boolean } = {}): Promise<VsyncRecalculation> {
  const started = Date.now();
  return db
    .transaction()
    .setIsolationLevel('repeatable read')
    .execute(async (tx) => {
      const [incremental] = await readVsyncs(tx as unknown as Kysely<VsyncDatabase>, [keyType]);
      const { rows } = await sql<{ entries: number; bits: string | null; corrupt: number }>`
        SELECT count(*)::bigint AS entries,
          bit_xor(('x' || encode(cid, 'hex'))::bit(256))::text AS bits,
          count(*) FILTER (WHERE cid <> hmac(convert_to(concat_ws('&', key_type, key, owner_tax_id_number, owner_name, owner_trade_name,
            participant, branch, account_number, account_type), 'UTF8'), uuid_send(request_id), 'sha256'))::bigint AS corrupt
        FROM dict_entries WHERE key_type = ${keyType}`.execute(tx);
      const row = rows[0];
      if (!incremental || !row) throw new Error(`no VSync row for ${keyType}: migrations not applied?`);
      const full = row.bits ? bitsToHex(row.bits) : '0'.repeat(64);
      const agree = full === incremental.vsync && Number(row.entries) === incremental.entries;
      if (!agree && options.repair) {
        await sql`UPDATE vsync_state SET vsync = ('x' || ${full})::bit(256), entries = ${Number(row.entries)}, updated_at = now() WHERE key_type = ${keyType}`.execute(tx);
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
    });
}
