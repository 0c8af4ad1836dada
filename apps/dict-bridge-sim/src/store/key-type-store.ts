/* eslint-disable @typescript-eslint/no-non-null-assertion -- typed-array reads: every index is in bounds by construction */
import { accountTypeOf, CidSetEventType, computeCid, requestIdBytes, xorInto, type DictKeyType, type EntryAttributes } from '@fleet/vsync-dict-bridge';
import { CidTable } from './cid-table';
import { ensureBytes, ensureLength } from './columns';
import { EventLog } from './event-log';
import { HashIndex, hashString } from './hash-index';
import { arenaOf, columnOf, copyOf, numberOf, type Dump } from './sections';

/** An entry as DICT holds it: the nine attributes and the RequestId that created it. */
export interface SimEntry extends EntryAttributes {
  requestId: string;
}

export interface StoredEntry extends SimEntry {
  cid: string;
  createdAt: Date;
}

const SEP = '\u0000';

/**
 * One key type's part of DICT: entries by key, every CID ever generated (mapped to its key), the
 * active CID of each key, the VSync kept by XOR on every change, and the event log.
 *
 * Sized for millions of entries: an entry is one UTF-8 record in a byte arena plus a few typed-array
 * cells (about 210 bytes per entry in all, growth slack included, outside the JS heap), not a JS object with ten strings
 * (which costs 300-500 bytes and burdens every GC). A key keeps its slot forever, even once deleted,
 * so an old CID still names its key.
 */
export class KeyTypeStore {
  readonly cids = new CidTable();
  readonly events: EventLog;
  // Records: u32 byte length, then key, the seven other attributes and the RequestId, NUL-separated.
  private records: Buffer = Buffer.alloc(64 * 1024);
  private recordsUsed = 0;
  private recordAt = new Uint32Array(1024);
  private keyHashes = new Uint32Array(1024);
  private activeCid = new Int32Array(1024).fill(-1);
  private createdAt = new Float64Array(1024);
  private slots = 0;
  private active = 0;
  private readonly keyIndex = new HashIndex((slot) => this.keyHashes[slot]!);
  private readonly vsyncBytes = Buffer.alloc(32);
  /** Changes so far (an entry put or removed): a snapshot is due when it moved. */
  changes = 0;

  constructor(
    readonly keyType: DictKeyType,
    maxEventsPerMs: number,
    private readonly now: () => number = Date.now,
  ) {
    this.events = new EventLog(maxEventsPerMs, now);
  }

  /** Active entries. */
  get size(): number {
    return this.active;
  }

  /** Keys ever seen (active or deleted). */
  get slotCount(): number {
    return this.slots;
  }

  vsync(): string {
    return this.vsyncBytes.toString('hex');
  }

  /** The key's slot, active or not; -1 for a key never seen. */
  slotOf(key: string): number {
    const probe = Buffer.from(key + SEP, 'utf8');
    return this.keyIndex.find(hashString(key), (slot) => {
      const off = this.recordAt[slot]!;
      return this.records.readUInt32LE(off) >= probe.length && this.records.compare(probe, 0, probe.length, off + 4, off + 4 + probe.length) === 0;
    });
  }

  isActive(slot: number): boolean {
    return this.activeCid[slot]! >= 0;
  }

  /** The slot's active CID id, or -1. */
  activeCidId(slot: number): number {
    return this.activeCid[slot]!;
  }

  /** The slot's current (or, once deleted, last) entry. */
  entryAt(slot: number): SimEntry {
    const off = this.recordAt[slot]!;
    const parts = this.records.toString('utf8', off + 4, off + 4 + this.records.readUInt32LE(off)).split(SEP);
    const [key, ownerTaxIdNumber, ownerName, ownerTradeName, participant, branch, accountNumber, accountType, requestId] = parts as [string, string, string, string, string, string, string, string, string];
    return { keyType: this.keyType, key, ownerTaxIdNumber, ownerName, ownerTradeName, participant, branch, accountNumber, accountType, requestId };
  }

  keyAt(slot: number): string {
    return this.entryAt(slot).key;
  }

  /** The active entry of a key. */
  get(key: string): StoredEntry | undefined {
    const slot = this.slotOf(key);
    return slot >= 0 && this.isActive(slot) ? this.stored(slot) : undefined;
  }

  stored(slot: number): StoredEntry {
    return { ...this.entryAt(slot), cid: this.cids.hex(this.activeCid[slot]!), createdAt: new Date(this.createdAt[slot]!) };
  }

  /** The slot whose active CID this is; -1 when the CID is unknown or no longer active. */
  activeSlotOfCid(cid: Buffer): number {
    const id = this.cids.find(cid);
    if (id < 0) return -1;
    const slot = this.cids.slotOf(id);
    return this.activeCid[slot] === id ? slot : -1;
  }

  /** The key any CID ever generated here belonged to. */
  keyOfCid(cid: Buffer): string | undefined {
    const id = this.cids.find(cid);
    return id < 0 ? undefined : this.keyAt(this.cids.slotOf(id));
  }

  /**
   * Creates or replaces the key's entry (a replacement is an update: REMOVED old CID, ADDED new).
   * Throws before changing anything when the entry is not one DICT could hold.
   */
  put(entry: SimEntry, logEvents: boolean, options: { mustBeNew?: boolean } = {}): { previousCid?: string; cid: string } {
    const requestId = this.validate(entry);
    let slot = this.slotOf(entry.key);
    const previous = slot >= 0 ? this.activeCid[slot]! : -1;
    if (previous >= 0 && options.mustBeNew) throw new Error(`${this.keyType} key ${entry.key} has an entry already`);
    const cid = Buffer.from(computeCid(requestId, entry), 'hex');
    if (previous >= 0 && this.cids.find(cid) === previous) return { previousCid: cid.toString('hex'), cid: cid.toString('hex') };
    this.changes++;
    if (slot < 0) slot = this.newSlot(entry.key);
    this.writeRecord(slot, entry);
    let previousCid: string | undefined;
    if (previous >= 0) {
      previousCid = this.cids.hex(previous);
      xorInto(this.vsyncBytes, this.cids.view(previous));
      if (logEvents) this.events.append(CidSetEventType.REMOVED, previous, this.vsyncBytes);
    } else {
      this.active++;
      this.createdAt[slot] = this.now();
    }
    const id = this.cids.add(cid, slot);
    this.activeCid[slot] = id;
    xorInto(this.vsyncBytes, cid);
    if (logEvents) this.events.append(CidSetEventType.ADDED, id, this.vsyncBytes);
    return { previousCid, cid: cid.toString('hex') };
  }

  /** Deletes the key's entry; returns the CID removed, or undefined when the key is not active. */
  remove(key: string, logEvents: boolean): string | undefined {
    const slot = this.slotOf(key);
    if (slot < 0 || !this.isActive(slot)) return undefined;
    const id = this.activeCid[slot]!;
    this.changes++;
    this.activeCid[slot] = -1;
    this.active--;
    xorInto(this.vsyncBytes, this.cids.view(id));
    if (logEvents) this.events.append(CidSetEventType.REMOVED, id, this.vsyncBytes);
    return this.cids.hex(id);
  }

  /** The ids of the active CIDs right now: a snapshot for a CID file (4 bytes per CID). */
  activeCidIds(): Int32Array {
    const ids = new Int32Array(this.active);
    let n = 0;
    for (let slot = 0; slot < this.slots; slot++) {
      const id = this.activeCid[slot]!;
      if (id >= 0) ids[n++] = id;
    }
    return ids;
  }

  *activeCidHex(): IterableIterator<string> {
    for (let slot = 0; slot < this.slots; slot++) {
      const id = this.activeCid[slot]!;
      if (id >= 0) yield this.cids.hex(id);
    }
  }

  /** The whole state at this moment, copied: entries, every CID, the event log, the VSync (see sections.ts). */
  dump(): Dump {
    const n = this.slots;
    const cids = this.cids.dump();
    const events = this.events.dump();
    return {
      meta: { keyType: this.keyType, slots: n, active: this.active, recordsUsed: this.recordsUsed, vsync: this.vsync(), ...cids.meta, ...events.meta },
      sections: {
        records: copyOf(this.records, this.recordsUsed),
        recordAt: copyOf(this.recordAt, n),
        keyHashes: copyOf(this.keyHashes, n),
        activeCid: copyOf(this.activeCid, n),
        createdAt: copyOf(this.createdAt, n),
        ...cids.sections,
        ...events.sections,
      },
    };
  }

  /** Replaces an empty store's state with a dump's (indexes rebuilt); throws on a dump that does not add up. */
  restore(dump: Dump): void {
    if (this.slots !== 0 || this.cids.size !== 0) throw new Error('restore into an empty store only');
    if (dump.meta.keyType !== this.keyType) throw new Error(`a snapshot of ${String(dump.meta.keyType)} given to the ${this.keyType} store`);
    const n = numberOf(dump.meta, 'slots');
    const recordsUsed = numberOf(dump.meta, 'recordsUsed');
    if (dump.sections.records?.length !== recordsUsed) throw new Error(`a snapshot holds ${dump.sections.records?.length ?? 0} bytes of records, expected ${recordsUsed}`);
    this.records = arenaOf(dump.sections.records, 64 * 1024);
    this.recordsUsed = recordsUsed;
    this.recordAt = columnOf(Uint32Array, dump.sections.recordAt, n);
    this.keyHashes = columnOf(Uint32Array, dump.sections.keyHashes, n);
    this.activeCid = columnOf(Int32Array, dump.sections.activeCid, n, -1);
    this.createdAt = columnOf(Float64Array, dump.sections.createdAt, n);
    this.slots = n;
    this.cids.restore(dump, numberOf(dump.meta, 'cids'));
    this.events.restore(dump);
    for (let slot = 0; slot < n; slot++) this.keyIndex.insert(this.keyHashes[slot]!, slot);
    let active = 0;
    const vsync = Buffer.alloc(32);
    for (let slot = 0; slot < n; slot++) {
      const id = this.activeCid[slot]!;
      if (id < 0) continue;
      if (id >= this.cids.size || this.cids.slotOf(id) !== slot) throw new Error(`a snapshot's slot ${slot} names CID ${id}, which is not its own`);
      active++;
      xorInto(vsync, this.cids.view(id));
    }
    // The VSync is re-derived from the active CIDs: a snapshot that does not add up is refused.
    if (active !== dump.meta.active || vsync.toString('hex') !== dump.meta.vsync) throw new Error(`a snapshot of ${this.keyType} does not add up (${active} active entries and VSync ${vsync.toString('hex')}; it says ${String(dump.meta.active)} and ${String(dump.meta.vsync)})`);
    this.active = active;
    vsync.copy(this.vsyncBytes);
  }

  /** Throws when DICT could not hold the entry; returns the RequestId's bytes. */
  private validate(e: SimEntry): Buffer {
    if (e.keyType !== this.keyType) throw new Error(`entry of type ${e.keyType} given to the ${this.keyType} store`);
    if (!e.key) throw new Error('an entry needs a key');
    const values = [e.key, e.ownerTaxIdNumber, e.ownerName, e.ownerTradeName, e.participant, e.branch, e.accountNumber, e.accountType, e.requestId];
    if (values.some((v) => typeof v !== 'string' || v.includes(SEP))) throw new Error(`entry ${e.key}: every attribute must be a string without NUL`);
    accountTypeOf(e.accountType); // throws on a type the protobuf enum cannot carry
    return requestIdBytes(e.requestId); // throws on a RequestId that is not a UUID
  }

  private newSlot(key: string): number {
    const slot = this.slots++;
    this.recordAt = ensureLength(this.recordAt, this.slots);
    this.keyHashes = ensureLength(this.keyHashes, this.slots);
    this.activeCid = ensureLength(this.activeCid, this.slots, -1);
    this.createdAt = ensureLength(this.createdAt, this.slots);
    this.keyHashes[slot] = hashString(key);
    this.keyIndex.insert(this.keyHashes[slot]!, slot);
    return slot;
  }

  /** Appends the entry's record; an update leaves the old record behind (updates are rare). */
  private writeRecord(slot: number, e: SimEntry): void {
    const text = [e.key, e.ownerTaxIdNumber, e.ownerName, e.ownerTradeName, e.participant, e.branch, e.accountNumber, e.accountType, e.requestId].join(SEP);
    const length = Buffer.byteLength(text, 'utf8');
    this.records = ensureBytes(this.records, this.recordsUsed + 4 + length);
    this.records.writeUInt32LE(length, this.recordsUsed);
    this.records.write(text, this.recordsUsed + 4, length, 'utf8');
    this.recordAt[slot] = this.recordsUsed;
    this.recordsUsed += 4 + length;
  }
}
