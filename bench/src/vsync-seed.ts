import { computeCid, KEY_TYPES, type DictKeyType } from '@fleet/vsync-dict-bridge';
import { syntheticEntry } from '@fleet/vsync-dict-bridge/testing';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Pool } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';

/** The same synthetic entries the simulator seeds, loaded with COPY (an initial import: VSyncs are then recalculated). */
export async function copySyntheticEntries(pool: Pool, keyType: DictKeyType, count: number, participant: string): Promise<void> {
  const client = await pool.connect();
  try {
    let i = 0;
    const rows = Readable.from(
      (function* () {
        for (; i < count; ) {
          const lines: string[] = [];
          for (const end = Math.min(count, i + 5000); i < end; i++) {
            const e = syntheticEntry(keyType, i, participant);
            const cid = computeCid(e.requestId, e);
            lines.push([e.keyType, e.key, e.requestId, `\\\\x${cid}`, e.ownerTaxIdNumber, e.ownerName, e.ownerTradeName, e.participant, e.branch, e.accountNumber, e.accountType].join('\t'));
          }
          yield `${lines.join('\n')}\n`;
        }
      })(),
    );
    await pipeline(
      rows,
      client.query(
        copyFrom(
          'COPY dict_entries (key_type, key, request_id, cid, owner_tax_id_number, owner_name, owner_trade_name, participant, branch, account_number, account_type) FROM STDIN',
        ),
      ),
    );
  } finally {
    client.release();
  }
}

/**
 * Other key types' entries generated inside PostgreSQL (CIDs by pgcrypto's HMAC over the same
 * nine attributes), to reach millions of local keys quickly. DICT (the simulator) does not hold these.
 */
export async function generateEntriesInSql(pool: Pool, keyType: DictKeyType, count: number, participant: string): Promise<void> {
  if (!KEY_TYPES.includes(keyType)) throw new Error(`unknown key type ${keyType}`);
  await pool.query(
    `INSERT INTO dict_entries (key_type, key, request_id, cid, owner_tax_id_number, owner_name, owner_trade_name, participant, branch, account_number, account_type)
     SELECT $1, k, rid, hmac(convert_to(concat_ws('&', $1::text, k, tax, 'Nome ' || i, '', $2::text, '0001', lpad(i::text, 10, '0'), 'CACC'), 'UTF8'), uuid_send(rid), 'sha256'),
            tax, 'Nome ' || i, '', $2, '0001', lpad(i::text, 10, '0'), 'CACC'
     FROM (SELECT i, $1 || '-' || lpad(i::text, 12, '0') AS k, lpad(i::text, 11, '0') AS tax, gen_random_uuid() AS rid FROM generate_series(1, $3::int) AS i) g`,
    [keyType, participant, count],
  );
}
