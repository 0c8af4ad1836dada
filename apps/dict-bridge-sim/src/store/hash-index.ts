/* eslint-disable @typescript-eslint/no-non-null-assertion -- typed-array reads: every index is in bounds by construction */
/**
 * An open-addressing hash index from 32-bit hashes to dense ids (0..n-1), in one Int32Array.
 * Ids never leave it: keys and CIDs are kept forever (every CID ever generated stays mapped to its
 * key), so there is no deletion and linear probing stays simple. Load stays at most 1/2.
 */
export class HashIndex {
  private table = new Int32Array(1024); // id + 1; 0 = empty
  private count = 0;

  constructor(private readonly hashOfId: (id: number) => number) {}

  /** The id that `matches`, probing from `hash`; -1 when there is none. */
  find(hash: number, matches: (id: number) => boolean): number {
    const mask = this.table.length - 1;
    for (let i = mix(hash) & mask; ; i = (i + 1) & mask) {
      const v = this.table[i]!;
      if (v === 0) return -1;
      if (matches(v - 1)) return v - 1;
    }
  }

  /** Adds an id (the caller has checked it is not there). */
  insert(hash: number, id: number): void {
    if ((this.count + 1) * 2 > this.table.length) this.grow();
    this.place(mix(hash), id);
    this.count++;
  }

  private place(mixed: number, id: number): void {
    const mask = this.table.length - 1;
    let i = mixed & mask;
    while (this.table[i] !== 0) i = (i + 1) & mask;
    this.table[i] = id + 1;
  }

  private grow(): void {
    const old = this.table;
    this.table = new Int32Array(old.length * 2);
    for (const v of old) if (v !== 0) this.place(mix(this.hashOfId(v - 1)), v - 1);
  }
}

/** murmur3's finaliser: spreads weak hashes (FNV of similar keys) over the table. */
function mix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** FNV-1a over a string's UTF-16 code units: the keys' hash. */
export function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}
