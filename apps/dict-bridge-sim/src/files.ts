import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { createWriteStream, existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { finished } from 'node:stream/promises';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { FileStatus, type DictKeyType } from '@fleet/vsync-dict-bridge';
import type { Logger } from '@fleet/shared-observability';
import type { FaultState } from './faults';
import { shuffle } from './random';
import type { SimStats } from './stats';
import type { CidTable } from './store/cid-table';
import type { KeyTypeStore } from './store/key-type-store';

export interface CidFileRecord {
  id: bigint;
  keyType: DictKeyType;
  participant: string;
  status: FileStatus;
  requestTime: Date;
  /** Set when AVAILABLE (kept once UNAVAILABLE). */
  creationTime?: Date;
  url?: string;
  bytes?: bigint;
  sha256?: string;
  path?: string;
}

/** The files as a snapshot keeps them (JSON). */
export interface CidFilesState {
  nextId: string;
  files: { id: string; keyType: DictKeyType; status: FileStatus; requestTime: string; creationTime?: string; bytes?: string; sha256?: string; path?: string }[];
}

export interface CidFilesDeps {
  dir: string;
  participant: string;
  stores: Record<DictKeyType, KeyTypeStore>;
  faults: FaultState;
  stats: () => SimStats;
  random: () => number;
  /** REQUESTED → PROCESSING after this long. */
  processingDelayMs: number;
  /** AVAILABLE → UNAVAILABLE (file deleted) after this long; never when unset. */
  ttlMs?: number;
  urlOf: (id: bigint) => string;
  logger: Logger;
}

/** One line per CID: 64 lowercase hex characters and `\n`, the last line included. */
export const CID_LINE_BYTES = 65;
const CIDS_PER_CHUNK = 8192;

/**
 * CID files, generated as DICT does: asynchronously (REQUESTED, PROCESSING, then AVAILABLE or
 * ERROR), from a snapshot of the active CIDs taken when processing starts, in no defined order
 * (shuffled), streamed to disk while bytes and SHA-256 are counted: never the whole file in memory.
 */
export class CidFiles {
  private readonly files = new Map<bigint, CidFileRecord>();
  private nextId = 1n;
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly writing = new Set<Promise<void>>();
  private closed = false;
  /** Changes so far (a file requested, or changing status): a snapshot is due when it moved. */
  changes = 0;

  constructor(private readonly deps: CidFilesDeps) {}

  create(keyType: DictKeyType): CidFileRecord {
    const file: CidFileRecord = { id: this.nextId++, keyType, participant: this.deps.participant, status: FileStatus.REQUESTED, requestTime: new Date() };
    this.files.set(file.id, file);
    this.changes++;
    this.deps.stats().files.requested++;
    this.later(this.deps.processingDelayMs, () => this.process(file));
    return { ...file };
  }

  get(id: bigint): CidFileRecord | undefined {
    const file = this.files.get(id);
    // The URL is the HTTP server's of this run (a restarted simulator may listen elsewhere).
    return file && { ...file, ...(file.url ? { url: this.deps.urlOf(file.id) } : {}) };
  }

  /** Every file and the next id, for a snapshot. */
  state(): CidFilesState {
    return {
      nextId: String(this.nextId),
      files: [...this.files.values()].map((f) => ({
        id: String(f.id),
        keyType: f.keyType,
        status: f.status,
        requestTime: f.requestTime.toISOString(),
        creationTime: f.creationTime?.toISOString(),
        bytes: f.bytes === undefined ? undefined : String(f.bytes),
        sha256: f.sha256,
        path: f.path,
      })),
    };
  }

  /**
   * Takes back the files of an earlier run: ids go on from where they were; a file still being
   * generated is generated again (from the entries as they are now); an available one whose
   * file is gone is UNAVAILABLE, as DICT's would be.
   */
  restore(state: CidFilesState): void {
    if (this.files.size > 0) throw new Error('restore into no files only');
    this.nextId = BigInt(state.nextId);
    for (const f of state.files) {
      const file: CidFileRecord = {
        id: BigInt(f.id),
        keyType: f.keyType,
        participant: this.deps.participant,
        status: f.status,
        requestTime: new Date(f.requestTime),
        ...(f.creationTime ? { creationTime: new Date(f.creationTime) } : {}),
        ...(f.bytes ? { bytes: BigInt(f.bytes) } : {}),
        ...(f.sha256 ? { sha256: f.sha256 } : {}),
        ...(f.path ? { path: f.path } : {}),
      };
      this.files.set(file.id, file);
      if (file.status === FileStatus.REQUESTED || file.status === FileStatus.PROCESSING) {
        file.status = FileStatus.REQUESTED;
        this.later(this.deps.processingDelayMs, () => this.process(file));
      } else if (file.status === FileStatus.AVAILABLE) {
        if (!file.path || !existsSync(file.path)) {
          file.status = FileStatus.UNAVAILABLE;
          delete file.path;
        } else {
          file.url = this.deps.urlOf(file.id);
          if (this.deps.ttlMs !== undefined) this.expireLater(file, file.path, Math.max(0, (file.creationTime?.getTime() ?? 0) + this.deps.ttlMs - Date.now()));
        }
      }
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    await Promise.allSettled([...this.writing]);
  }

  private process(file: CidFileRecord): void {
    file.status = FileStatus.PROCESSING;
    this.changes++;
    if (this.deps.faults.takeFileError()) {
      this.later(this.deps.processingDelayMs, () => this.fail(file, 'injected fault'));
      return;
    }
    const store = this.deps.stores[file.keyType];
    // CIDs never change once generated, so ids taken now are the active set at this moment,
    // whatever happens to the entries while the file is written.
    const ids = shuffle(store.activeCidIds(), this.deps.random);
    const target = path.join(this.deps.dir, `cids-${file.id}-${file.keyType}.txt`);
    const task = writeCidFile(target, store.cids, ids).then(
      ({ bytes, sha256 }) => {
        if (this.closed) return;
        this.later(this.deps.faults.fileProcessingExtraMs, () => this.makeAvailable(file, target, bytes, sha256));
      },
      (err: unknown) => this.fail(file, err instanceof Error ? err.message : String(err)),
    );
    this.writing.add(task);
    void task.finally(() => this.writing.delete(task));
  }

  private makeAvailable(file: CidFileRecord, target: string, bytes: number, sha256: string): void {
    Object.assign(file, { status: FileStatus.AVAILABLE, creationTime: new Date(), url: this.deps.urlOf(file.id), bytes: BigInt(bytes), sha256, path: target });
    this.changes++;
    this.deps.stats().files.available++;
    this.deps.logger.debug({ id: String(file.id), keyType: file.keyType, bytes }, 'CID file available');
    if (this.deps.ttlMs !== undefined) this.expireLater(file, target, this.deps.ttlMs);
  }

  private expireLater(file: CidFileRecord, target: string, ms: number): void {
    this.later(ms, () => {
      file.status = FileStatus.UNAVAILABLE;
      this.changes++;
      this.deps.stats().files.unavailable++;
      delete file.path;
      void rm(target, { force: true });
    });
  }

  private fail(file: CidFileRecord, reason: string): void {
    if (this.closed) return;
    file.status = FileStatus.ERROR;
    this.changes++;
    this.deps.stats().files.error++;
    this.deps.logger.info({ id: String(file.id), keyType: file.keyType, reason }, 'CID file ended in ERROR');
  }

  private later(ms: number, fn: () => void): void {
    if (this.closed) return;
    const t = setTimeout(() => {
      this.timers.delete(t);
      if (!this.closed) fn();
    }, ms);
    t.unref();
    this.timers.add(t);
  }
}

/** Streams the CIDs to `target` in chunks, hashing as it goes; yields to the event loop between chunks. */
export async function writeCidFile(target: string, table: CidTable, ids: Int32Array): Promise<{ bytes: number; sha256: string }> {
  const out = createWriteStream(target);
  const hash = createHash('sha256');
  let bytes = 0;
  try {
    for (let start = 0; start < ids.length; start += CIDS_PER_CHUNK) {
      const n = Math.min(CIDS_PER_CHUNK, ids.length - start);
      const chunk = Buffer.allocUnsafe(n * CID_LINE_BYTES);
      let pos = 0;
      for (const id of ids.subarray(start, start + n)) {
        table.writeHex(id, chunk, pos);
        chunk[pos + 64] = 0x0a;
        pos += CID_LINE_BYTES;
      }
      hash.update(chunk);
      bytes += chunk.length;
      if (!out.write(chunk)) await once(out, 'drain');
      else await yieldToLoop();
    }
    out.end();
    await finished(out);
  } catch (err) {
    out.destroy();
    throw err;
  }
  return { bytes, sha256: hash.digest('hex') };
}
