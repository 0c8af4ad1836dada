/* eslint-disable @typescript-eslint/no-non-null-assertion -- typed-array reads: every index is in bounds by construction */
import { ensureBytes, ensureLength } from './columns';
import { HashIndex } from './hash-index';
import { arenaOf, columnOf, copyOf, type Dump } from './sections';

const HEX = Buffer.from('0123456789abcdef', 'latin1');

/**
 * Every CID a key type ever had, 32 bytes each in one arena, with the slot (key) it belongs to.
 * 40-50 bytes per CID in all; ids are dense and stable, so snapshots are arrays of ids.
 */
export class CidTable {
  private bytes: Buffer = Buffer.alloc(32 * 1024);
  private slots = new Int32Array(1024);
  private count = 0;
  // CIDs are HMAC outputs: their first four bytes are already a uniform hash.
  private readonly index = new HashIndex((id) => this.bytes.readUInt32LE(id * 32));

  get size(): number {
    return this.count;
  }

  /** The id of a 32-byte CID, or -1. */
  find(cid: Buffer): number {
    return this.index.find(cid.readUInt32LE(0), (id) => this.bytes.compare(cid, 0, 32, id * 32, id * 32 + 32) === 0);
  }

  /** The id of `cid`, added for `slot` when new. An update back to earlier attributes finds the old id. */
  add(cid: Buffer, slot: number): number {
    const found = this.find(cid);
    if (found >= 0) return found;
    const id = this.count++;
    this.bytes = ensureBytes(this.bytes, this.count * 32);
    this.slots = ensureLength(this.slots, this.count);
    cid.copy(this.bytes, id * 32, 0, 32);
    this.slots[id] = slot;
    this.index.insert(cid.readUInt32LE(0), id);
    return id;
  }

  slotOf(id: number): number {
    return this.slots[id]!;
  }

  hex(id: number): string {
    return this.bytes.toString('hex', id * 32, id * 32 + 32);
  }

  /** A view of the CID's bytes: use it at once (the arena moves when it grows). */
  view(id: number): Buffer {
    return this.bytes.subarray(id * 32, id * 32 + 32);
  }

  /** Every CID and its slot, copied (see sections.ts). */
  dump(): Dump {
    return { meta: { cids: this.count }, sections: { cidBytes: copyOf(this.bytes, this.count * 32), cidSlots: copyOf(this.slots, this.count) } };
  }

  /** Replaces an empty table's contents with a dump's, and indexes them again. */
  restore(dump: Dump, count: number): void {
    if (this.count !== 0) throw new Error('restore into an empty CID table only');
    this.bytes = arenaOf(dump.sections.cidBytes, 32 * 1024);
    if (dump.sections.cidBytes?.length !== count * 32) throw new Error(`a snapshot holds ${dump.sections.cidBytes?.length ?? 0} bytes of CIDs, expected ${count * 32}`);
    this.slots = columnOf(Int32Array, dump.sections.cidSlots, count);
    this.count = count;
    for (let id = 0; id < count; id++) this.index.insert(this.bytes.readUInt32LE(id * 32), id);
  }

  /** Writes the CID as 64 lowercase hex characters at `pos` (the file writer: no string per CID). */
  writeHex(id: number, target: Buffer, pos: number): void {
    const start = id * 32;
    for (let i = 0; i < 32; i++) {
      const b = this.bytes[start + i]!;
      target[pos + 2 * i] = HEX[b >> 4]!;
      target[pos + 2 * i + 1] = HEX[b & 15]!;
    }
  }
}
