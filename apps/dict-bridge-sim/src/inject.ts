import type { DictKeyType } from '@fleet/vsync-dict-bridge';
import { syntheticEntry } from '@fleet/vsync-dict-bridge/testing';
import { shuffle } from './random';
import type { KeyTypeStore, SimEntry } from './store/key-type-store';

export interface InjectSpec {
  keyType: DictKeyType;
  /** Entries added in DICT that the participant does not have. */
  missingLocally?: number;
  /** Entries the participant has that DICT removes. */
  missingInDict?: number;
  /** Entries whose attributes DICT changes (same key and RequestId, so a new CID). */
  attributeDrift?: number;
  /** Log the changes as CID events (default true: DICT's log shows what happened). */
  logEvents?: boolean;
}

export interface InjectResult {
  keyType: DictKeyType;
  missingLocally: { key: string; cid: string; requestId: string }[];
  missingInDict: { key: string; cid: string }[];
  attributeDrift: { key: string; previousCid: string; cid: string }[];
  /** The key type's VSync afterwards. */
  vsync: string;
}

/**
 * Models changes made in DICT that the participant did not apply. Removed and drifted entries are
 * distinct active entries picked at random; added ones are synthetic entries at indexes no key of
 * this type has used (from the number of keys ever seen upwards), so they are new to a participant
 * seeded with the same synthetic entries.
 */
export function inject(store: KeyTypeStore, participant: string, spec: InjectSpec, random: () => number): InjectResult {
  const logEvents = spec.logEvents ?? true;
  const removeCount = spec.missingInDict ?? 0;
  const driftCount = spec.attributeDrift ?? 0;
  const addCount = spec.missingLocally ?? 0;
  for (const n of [removeCount, driftCount, addCount]) if (!Number.isInteger(n) || n < 0) throw new Error(`inject counts must be non-negative integers, got ${n}`);
  const victims = pickActiveSlots(store, removeCount + driftCount, random);
  const result: InjectResult = { keyType: store.keyType, missingLocally: [], missingInDict: [], attributeDrift: [], vsync: '' };

  for (const slot of victims.slice(0, removeCount)) {
    const key = store.keyAt(slot);
    const cid = store.remove(key, logEvents);
    if (cid) result.missingInDict.push({ key, cid });
  }
  for (const slot of victims.slice(removeCount)) {
    const { previousCid, cid } = store.put(driftedAttributes(store.entryAt(slot)), logEvents);
    result.attributeDrift.push({ key: store.keyAt(slot), previousCid: previousCid ?? cid, cid });
  }
  for (let i = store.slotCount; result.missingLocally.length < addCount; i++) {
    const entry = syntheticEntry(store.keyType, i, participant);
    if (store.slotOf(entry.key) >= 0) continue;
    result.missingLocally.push({ key: entry.key, cid: store.put(entry, logEvents).cid, requestId: entry.requestId });
  }
  result.vsync = store.vsync();
  return result;
}

/**
 * Other attributes for the same key and RequestId: branch + 1 (wrapping at its width), account
 * number + 1, account type CACC ↔ SVGS. For a synthetic entry of variant v this is exactly
 * `syntheticEntry(keyType, i, participant, v + 1)`.
 */
export function driftedAttributes(e: SimEntry): SimEntry {
  return { ...e, branch: increment(e.branch, true), accountNumber: increment(e.accountNumber, false), accountType: e.accountType === 'CACC' ? 'SVGS' : 'CACC' };
}

function increment(digits: string, wrap: boolean): string {
  if (!/^\d+$/.test(digits)) return digits === '' ? '' : `${digits}1`;
  let n = BigInt(digits) + 1n;
  if (wrap) n %= 10n ** BigInt(digits.length);
  return n.toString().padStart(digits.length, '0');
}

/** n distinct active slots at random. */
function pickActiveSlots(store: KeyTypeStore, n: number, random: () => number): number[] {
  if (n > store.size) throw new Error(`${store.keyType} has ${store.size} active entries: cannot pick ${n}`);
  if (n === 0) return [];
  const picked = new Set<number>();
  // Few among many: draw slots until enough active ones; otherwise shuffle the list of active slots.
  if (n * 4 <= store.size) {
    for (let attempts = 0; picked.size < n && attempts < n * 50; attempts++) {
      const slot = Math.floor(random() * store.slotCount);
      if (store.isActive(slot)) picked.add(slot);
    }
    if (picked.size === n) return [...picked];
    picked.clear();
  }
  const active = new Int32Array(store.size);
  let k = 0;
  for (let slot = 0; slot < store.slotCount; slot++) if (store.isActive(slot)) active[k++] = slot;
  return [...shuffle(active, random, n).subarray(0, n)];
}
