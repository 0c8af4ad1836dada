/* eslint-disable @typescript-eslint/no-non-null-assertion -- typed-array reads: every index is in bounds by construction */
import { CidSetEventType } from '@fleet/vsync-dict-bridge';
import { ensureBytes, ensureLength } from './columns';
import { arenaOf, columnOf, copyOf, numberOf, type Dump } from './sections';

/**
 * A key type's CID event log (ADDED / REMOVED), in columns: 45 bytes per event, the VSync after
 * each event included, so a page can report SyncVerifierStart / SyncVerifierEnd without replay.
 *
 * Timestamps have millisecond resolution and never decrease. At most `maxPerMs` events share a
 * millisecond (later ones move to the next): with both time bounds inclusive, a client pages by
 * asking again from the last timestamp it saw, which only moves forward when a page is not all
 * one millisecond. So any page larger than `maxPerMs` makes progress.
 */
export class EventLog {
  private times = new Float64Array(1024);
  private types = new Uint8Array(1024);
  private cidIds = new Int32Array(1024);
  private vsyncs: Buffer = Buffer.alloc(32 * 1024);
  private count = 0;
  private lastTime = 0;
  private atLastTime = 0;

  constructor(
    private readonly maxPerMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  get length(): number {
    return this.count;
  }

  /** Logs an event; returns its timestamp (ms). */
  append(type: CidSetEventType.ADDED | CidSetEventType.REMOVED, cidId: number, vsyncAfter: Buffer): number {
    let t = Math.max(Math.floor(this.now()), this.lastTime);
    if (t === this.lastTime && this.atLastTime >= this.maxPerMs) t = this.lastTime + 1;
    if (t === this.lastTime) this.atLastTime++;
    else {
      this.lastTime = t;
      this.atLastTime = 1;
    }
    const i = this.count++;
    this.times = ensureLength(this.times, this.count);
    this.types = ensureLength(this.types, this.count);
    this.cidIds = ensureLength(this.cidIds, this.count);
    this.vsyncs = ensureBytes(this.vsyncs, this.count * 32);
    this.times[i] = t;
    this.types[i] = type;
    this.cidIds[i] = cidId;
    vsyncAfter.copy(this.vsyncs, i * 32, 0, 32);
    return t;
  }

  time(i: number): number {
    return this.times[i]!;
  }

  type(i: number): CidSetEventType {
    return this.types[i]! as CidSetEventType;
  }

  cidId(i: number): number {
    return this.cidIds[i]!;
  }

  /** The key type's VSync right after event i. */
  vsyncAfter(i: number): string {
    return this.vsyncs.toString('hex', i * 32, i * 32 + 32);
  }

  /** The VSync right before event i (XOR is its own inverse: undo the event's CID). */
  vsyncBefore(i: number, cid: Buffer): string {
    const v = Buffer.from(this.vsyncs.subarray(i * 32, i * 32 + 32));
    for (let b = 0; b < 32; b++) v[b] = v[b]! ^ cid[b]!;
    return v.toString('hex');
  }

  /** Every event, copied (see sections.ts). */
  dump(): Dump {
    const n = this.count;
    return {
      meta: { events: n, lastTime: this.lastTime, atLastTime: this.atLastTime },
      sections: { eventTimes: copyOf(this.times, n), eventTypes: copyOf(this.types, n), eventCidIds: copyOf(this.cidIds, n), eventVsyncs: copyOf(this.vsyncs, n * 32) },
    };
  }

  /** Replaces an empty log's contents with a dump's: timestamps go on from where they were. */
  restore(dump: Dump): void {
    if (this.count !== 0) throw new Error('restore into an empty event log only');
    const n = numberOf(dump.meta, 'events');
    this.times = columnOf(Float64Array, dump.sections.eventTimes, n);
    this.types = columnOf(Uint8Array, dump.sections.eventTypes, n);
    this.cidIds = columnOf(Int32Array, dump.sections.eventCidIds, n);
    if (dump.sections.eventVsyncs?.length !== n * 32) throw new Error(`a snapshot holds ${dump.sections.eventVsyncs?.length ?? 0} bytes of event VSyncs, expected ${n * 32}`);
    this.vsyncs = arenaOf(dump.sections.eventVsyncs, 32 * 1024);
    this.count = n;
    this.lastTime = numberOf(dump.meta, 'lastTime');
    this.atLastTime = numberOf(dump.meta, 'atLastTime');
  }

  /** Index of the first event at or after `t` (ms); `length` when there is none. */
  firstAtOrAfter(t: number): number {
    let lo = 0;
    let hi = this.count;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.times[mid]! < t) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
