import { computeCid, EMPTY_VSYNC, vsyncOf } from '@fleet/vsync-dict-bridge';
import { syntheticEntry } from '@fleet/vsync-dict-bridge/testing';
import { createDb, migrateToLatest } from '@fleet/shared-db';
import { createTestContext, type TestContext } from '@fleet/tools-infra/testing';
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { KeyType } from '@fleet/vsync-contracts';
import { changeEntries, readVsyncs, recalculateVsync, vsyncMigrations, type EntryChanges, type LocalEntry, type VsyncDatabase } from '../src';

let ctx: TestContext;
let db: Kysely<VsyncDatabase>;

beforeAll(async () => {
  ctx = await createTestContext('vsync local base');
  db = createDb<VsyncDatabase>(ctx.databaseUrl);
  await migrateToLatest(db, vsyncMigrations);
});
afterAll(async () => {
  await db?.destroy();
  await ctx?.close();
});

/** A change in a transaction of its own, as an activity opens it. */
const change = (keyType: KeyType, changes: EntryChanges) => db.transaction().execute((trx) => changeEntries(trx, keyType, changes));
/** The audit recalculation in the repeatable read transaction it needs. */
const recalculate = (keyType: KeyType) => db.transaction().setIsolationLevel('repeatable read').execute((trx) => recalculateVsync(trx, keyType));

/** A tiny deterministic PRNG so a failure can be reproduced. */
function prng(seed: number) {
  return () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
}

describe('the local base and its VSyncs', () => {
  it('starts with 64 zeros for every key type', async () => {
    const vsyncs = await readVsyncs(db);
    expect(vsyncs.map((v) => v.keyType).sort()).toEqual(['CNPJ', 'CPF', 'EMAIL', 'EVP', 'PHONE']);
    for (const v of vsyncs) expect(v).toMatchObject({ vsync: EMPTY_VSYNC, entries: 0 });
  });

  it('keeps the incremental VSync equal to the full recalculation through random adds, updates and removes', async () => {
    const random = prng(42);
    const model = new Map<string, LocalEntry>();
    let next = 0;
    for (let round = 0; round < 40; round++) {
      const upserts: LocalEntry[] = [];
      const removals: { key: string }[] = [];
      const touched = new Set<string>();
      for (let i = 0; i < 25; i++) {
        const keys = [...model.keys()];
        const r = random();
        if (r < 0.5 || keys.length === 0) {
          const e = syntheticEntry('EMAIL', next++);
          upserts.push(e);
          touched.add(e.key);
        } else {
          const key = keys[Math.floor(random() * keys.length)]!;
          if (touched.has(key)) continue;
          touched.add(key);
          if (r < 0.75) upserts.push({ ...model.get(key)!, ownerName: `Renamed ${round}`, branch: String(round) });
          else removals.push({ key });
        }
      }
      await change('EMAIL', { upserts, removals });
      for (const e of upserts) model.set(e.key, e);
      for (const r of removals) model.delete(r.key);
    }
    const expected = vsyncOf([...model.values()].map((e) => computeCid(e.requestId, e)));
    const [incremental] = await readVsyncs(db, ['EMAIL']);
    expect(incremental).toEqual({ keyType: 'EMAIL', vsync: expected, entries: model.size });
    const audit = await recalculate('EMAIL');
    expect(audit).toMatchObject({ incremental: expected, full: expected, agree: true, entries: model.size, corruptEntries: 0 });
    // Every CID ever generated is kept, mapped to its key: more CIDs than live entries after updates.
    const { count } = await db.selectFrom('dict_cids').select((eb) => eb.fn.countAll<string>().as('count')).where('key_type', '=', 'EMAIL').executeTakeFirstOrThrow();
    expect(Number(count)).toBeGreaterThan(model.size);
  });

  it('computes the same CID in SQL as in Node, including non-ASCII names, and finds a corrupted entry', async () => {
    const e: LocalEntry = { ...syntheticEntry('PHONE', 7), ownerName: 'João Silva', requestId: randomUUID() };
    await change('PHONE', { upserts: [e] });
    expect(await recalculate('PHONE')).toMatchObject({ agree: true, corruptEntries: 0, full: computeCid(e.requestId, e) });
    // An attribute changed without its CID (what the manual's integrity check is for).
    await db.updateTable('dict_entries').set({ owner_name: 'Joao Silva' }).where('key', '=', e.key).execute();
    expect(await recalculate('PHONE')).toMatchObject({ agree: true, corruptEntries: 1 });
  });

  it('recalculates only in a repeatable read transaction (one snapshot of the entries and the VSync)', async () => {
    await expect(db.transaction().execute((trx) => recalculateVsync(trx, 'PHONE'))).rejects.toThrow(/needs a repeatable read transaction, not read committed/);
  });

  it('changes nothing when an upsert repeats, and removes only while the CID matches', async () => {
    const e = syntheticEntry('CPF', 1);
    const first = await change('CPF', { upserts: [e] });
    expect(first.added).toEqual([e.key]);
    const again = await change('CPF', { upserts: [e] });
    expect(again).toEqual({ added: [], updated: [], removed: [], unchanged: [e.key] });
    const stale = await change('CPF', { removals: [{ key: e.key, cid: '00'.repeat(32) }] });
    expect(stale.removed).toEqual([]);
    const gone = await change('CPF', { removals: [{ key: e.key, cid: computeCid(e.requestId, e) }] });
    expect(gone.removed).toEqual([e.key]);
    expect((await readVsyncs(db, ['CPF']))[0]).toMatchObject({ vsync: EMPTY_VSYNC, entries: 0 });
    await expect(change('CPF', { upserts: [syntheticEntry('CNPJ', 1)] })).rejects.toThrow(/is of type CNPJ, not CPF/);
  });
});
