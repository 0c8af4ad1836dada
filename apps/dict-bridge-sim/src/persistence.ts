import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, open, readFile, rename } from 'node:fs/promises';
import path from 'node:path';
import { KEY_TYPES, type DictKeyType } from '@fleet/vsync-dict-bridge';
import type { Logger } from '@fleet/shared-observability';
import type { Dict } from './dict';
import type { CidFiles, CidFilesState } from './files';
import type { Dump } from './store/sections';

const FORMAT = 'fleet-dict-sim-snapshot/1';
const FILES_STATE = 'files.json';

export interface PersistenceStatus {
  dir: string;
  /** Changes made since the last snapshot written (0: all of them are on disk). */
  unsavedChanges: number;
  lastSavedAt?: string;
}

/**
 * Keeps the simulator's state in a folder across restarts: one snapshot file per key type
 * (entries, every CID ever generated, the event log, the VSync) and one for the CID files.
 * A unit whose state changed is written shortly after (`intervalMs`; longer for a large store,
 * so writing takes at most about a third of the time), and all of them on close.
 *
 * A snapshot is copied in one synchronous step, so it is one consistent moment of its key type,
 * then written to a temporary file, flushed to disk, and renamed over the previous one: a
 * SIGKILL at any point leaves the previous snapshot or the new one, never a torn file, and loses
 * at most the changes of the last moments. Each file ends with its SHA-256, checked on load.
 */
export class SimPersistence {
  private readonly saved = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> | undefined;
  private notBefore = 0;
  private lastSavedAt: Date | undefined;
  private closed = false;

  constructor(
    readonly dir: string,
    private readonly participant: string,
    private readonly dict: Dict,
    private readonly files: CidFiles,
    private readonly logger: Logger,
    private readonly intervalMs = 200,
  ) {}

  /** Loads what an earlier run saved (nothing when the folder is new); call before serving. */
  async load(): Promise<{ entries: number; keyTypes: DictKeyType[]; files: number }> {
    await mkdir(this.dir, { recursive: true });
    const loaded: DictKeyType[] = [];
    let entries = 0;
    for (const keyType of KEY_TYPES) {
      const file = this.storeFile(keyType);
      if (!existsSync(file)) continue;
      const dump = await this.read(file);
      const store = this.dict.store(keyType);
      store.restore(dump);
      this.saved.set(keyType, store.changes);
      loaded.push(keyType);
      entries += store.size;
    }
    let files = 0;
    const filesState = path.join(this.dir, FILES_STATE);
    if (existsSync(filesState)) {
      const state = JSON.parse((await this.read(filesState)).meta.json as string) as CidFilesState;
      this.files.restore(state);
      files = state.files.length;
    }
    this.saved.set('files', this.files.changes);
    return { entries, keyTypes: loaded, files };
  }

  /** Starts writing snapshots as the state changes. */
  start(): void {
    const tick = () => {
      this.timer = setTimeout(() => {
        if (this.closed) return;
        if (!this.writing && Date.now() >= this.notBefore && this.unsaved() > 0) {
          const started = Date.now();
          this.writing = this.saveChanged()
            .catch((err: unknown) => this.logger.error({ err, dir: this.dir }, 'DICT simulator state not saved; trying again'))
            .finally(() => {
              this.writing = undefined;
              this.notBefore = Date.now() + 2 * (Date.now() - started);
            });
        }
        tick();
      }, this.intervalMs);
      this.timer.unref();
    };
    tick();
  }

  status(): PersistenceStatus {
    return { dir: this.dir, unsavedChanges: this.unsaved(), lastSavedAt: this.lastSavedAt?.toISOString() };
  }

  /** Writes every changed unit now (after the write in progress, if any). */
  async flush(): Promise<void> {
    await this.writing;
    await this.saveChanged();
  }

  /** Stops the timer and writes what is not on disk yet. */
  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    await this.flush();
  }

  private unsaved(): number {
    let n = this.files.changes - (this.saved.get('files') ?? 0);
    for (const keyType of KEY_TYPES) n += this.dict.store(keyType).changes - (this.saved.get(keyType) ?? 0);
    return n;
  }

  private async saveChanged(): Promise<void> {
    for (const keyType of KEY_TYPES) {
      const store = this.dict.store(keyType);
      const changes = store.changes;
      if (changes === (this.saved.get(keyType) ?? 0)) continue;
      // One synchronous copy: the state of one moment, whatever changes while it is written.
      await this.write(this.storeFile(keyType), store.dump());
      this.saved.set(keyType, changes);
    }
    const changes = this.files.changes;
    if (changes !== (this.saved.get('files') ?? 0)) {
      await this.write(path.join(this.dir, FILES_STATE), { meta: { json: JSON.stringify(this.files.state()) }, sections: {} });
      this.saved.set('files', changes);
    }
    this.lastSavedAt = new Date();
  }

  private storeFile(keyType: DictKeyType): string {
    return path.join(this.dir, `${keyType}.snapshot`);
  }

  /** A header line (JSON: format, participant, numbers, section lengths), the sections, then the SHA-256 of all before it. */
  private async write(file: string, dump: Dump): Promise<void> {
    const sections = Object.entries(dump.sections);
    const header = Buffer.from(`${JSON.stringify({ format: FORMAT, participant: this.participant, meta: dump.meta, sections: sections.map(([name, bytes]) => [name, bytes.length]) })}\n`);
    const hash = createHash('sha256').update(header);
    for (const [, bytes] of sections) hash.update(bytes);
    const temp = `${file}.${process.pid}.tmp`;
    const handle = await open(temp, 'w');
    try {
      await handle.writev([header, ...sections.map(([, bytes]) => bytes), hash.digest()]);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, file);
    // The rename itself made durable.
    const dir = await open(path.dirname(file), 'r');
    try {
      await dir.sync();
    } finally {
      await dir.close();
    }
  }

  private async read(file: string): Promise<Dump> {
    const bytes = await readFile(file);
    const fail = (why: string) => new Error(`${file}: ${why}; remove it (or the folder ${this.dir}) to start this key type empty`);
    if (bytes.length < 33) throw fail('too short to be a snapshot');
    const body = bytes.subarray(0, bytes.length - 32);
    if (!createHash('sha256').update(body).digest().equals(bytes.subarray(bytes.length - 32))) throw fail('its checksum does not match (damaged)');
    const newline = body.indexOf(0x0a);
    const header = JSON.parse(body.toString('utf8', 0, newline)) as { format: string; participant: string; meta: Dump['meta']; sections: [string, number][] };
    if (header.format !== FORMAT) throw fail(`format ${header.format}, expected ${FORMAT}`);
    if (header.participant !== this.participant) {
      throw new Error(`${file} holds DICT data of participant ${header.participant}, not ${this.participant}: set DICT_SIM_PARTICIPANT=${header.participant}, or use another data folder`);
    }
    const sections: Record<string, Buffer> = {};
    let offset = newline + 1;
    for (const [name, length] of header.sections) {
      sections[name] = body.subarray(offset, offset + length);
      offset += length;
    }
    if (offset !== body.length) throw fail('its sections do not add up to its length');
    return { meta: header.meta, sections };
  }
}
