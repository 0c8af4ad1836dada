/**
 * The vsync domain's part of `npm start`'s demo (loaded once, on a fresh data folder, unless
 * FLEET_DEMO=0): the same PIX keys in DICT (the simulator, through its admin API) and in the local
 * base, but for a few divergences, so a verification answers OK for three key types and NOK for two:
 *
 * - CPF: 2 keys with other attributes in DICT, 3 only in DICT, 2 only local: 7 divergences, under
 *   the approval threshold (100), so its reconciliation applies them by itself;
 * - EMAIL: 120 keys only local: over the threshold, so its reconciliation waits for an approval.
 *
 * Entries are `syntheticEntry(keyType, i)`: deterministic, so both sides get the same ones, and
 * loading again skips whatever side already has entries (a demo cut short is completed, not doubled).
 */
import { createDb, migrateToLatest } from '@fleet/shared-db';
import { VSYNC_KEY_TYPES, type KeyType } from '@fleet/vsync-contracts';
import { changeEntries, vsyncMigrations, type VsyncDatabase } from '@fleet/vsync-data-access';
import { syntheticEntry, type SyntheticEntry } from '@fleet/vsync-dict-bridge/testing';
import { sql } from 'kysely';

const PER_KEY_TYPE = 200;
const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);

/** Which synthetic entries (index and variant) each side holds, per key type. */
export function demoPlan(keyType: KeyType): { dict: [number, number][]; local: [number, number][] } {
  const same = range(0, PER_KEY_TYPE).map((i): [number, number] => [i, 0]);
  if (keyType === 'CPF') {
    return {
      // 10 and 11 drifted in DICT; 200-202 only in DICT; 203-204 only local.
      dict: [...same.map(([i]): [number, number] => [i, i === 10 || i === 11 ? 1 : 0]), ...range(200, 203).map((i): [number, number] => [i, 0])],
      local: [...same, ...range(203, 205).map((i): [number, number] => [i, 0])],
    };
  }
  if (keyType === 'EMAIL') return { dict: same, local: [...same, ...range(200, 320).map((i): [number, number] => [i, 0])] };
  return { dict: same, local: same };
}

/** Loads the demo into DICT's simulator and into an empty local base; says what it did. */
export async function loadDemo(env: NodeJS.ProcessEnv): Promise<string> {
  const { DATABASE_URL: url, DICT_PARTICIPANT: participant, DICT_SIM_ADMIN_URL: admin } = env;
  if (!url || !participant || !admin) throw new Error('DATABASE_URL, DICT_PARTICIPANT and DICT_SIM_ADMIN_URL must be set');
  const entries = (keyType: KeyType, side: 'dict' | 'local'): SyntheticEntry[] => demoPlan(keyType)[side].map(([i, variant]) => syntheticEntry(keyType, i, participant, variant));
  const done: string[] = [];
  const seededInDict: KeyType[] = [];

  // DICT's side: entries as they were before history began (no CID events), so a reconciliation uses a CID file.
  for (const keyType of VSYNC_KEY_TYPES) {
    const current = await call<{ entries: number }>(admin, `vsync/${keyType}`);
    if (current.entries > 0) continue;
    await call(admin, 'entries?logEvents=false', entries(keyType, 'dict').map((e) => JSON.stringify(e)).join('\n'));
    seededInDict.push(keyType);
  }
  if (seededInDict.length > 0) done.push(seededInDict.length === VSYNC_KEY_TYPES.length ? 'DICT (the simulator)' : `DICT (the simulator: ${seededInDict.join(', ')})`);

  const db = createDb<VsyncDatabase>(url, { maxConnections: 2, applicationName: 'vsync-demo' });
  try {
    await migrateToLatest(db, vsyncMigrations);
    const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM dict_entries`.execute(db);
    if ((rows[0]?.n ?? 0) === 0) {
      await db.transaction().execute(async (tx) => {
        for (const keyType of VSYNC_KEY_TYPES) await changeEntries(tx, keyType, { upserts: entries(keyType, 'local') });
      });
      done.push('the local base');
    }
  } finally {
    await db.destroy();
  }
  if (done.length === 0) return 'not loaded: DICT and the local base have keys already';
  return (
    `${PER_KEY_TYPE} keys of each type in ${done.join(' and ')}; CNPJ, PHONE and EVP agree; ` +
    'CPF differs by 7 keys (reconciled by itself), EMAIL by 120 (waits for an approval, over 100)'
  );
}

async function call<T>(admin: string, route: string, body?: string): Promise<T> {
  const res = await fetch(`${admin}/admin/${route}`, { method: body === undefined ? 'GET' : 'POST', body });
  if (!res.ok) throw new Error(`the DICT simulator answered ${res.status} to ${route.split('?')[0]}: ${await res.text()}`);
  return (await res.json()) as T;
}
