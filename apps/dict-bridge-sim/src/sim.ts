import { randomInt } from 'node:crypto';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createBuckets, DictBridgeService, grpcServiceDefinition, KEY_TYPES, type DictKeyType, type EntryAttributes, type RateLimit, type RatePolicy } from '@fleet/vsync-dict-bridge';
import { syntheticEntry } from '@fleet/vsync-dict-bridge/testing';
import { createLogger, type Logger } from '@fleet/shared-observability';
import { Server, ServerCredentials } from '@grpc/grpc-js';
import { Dict } from './dict';
import { FaultState, type SimFaults } from './faults';
import { CidFiles } from './files';
import { createBridgeService } from './grpc-service';
import { createHttpHandler } from './http-server';
import { inject, type InjectResult, type InjectSpec } from './inject';
import { SimPersistence, type PersistenceStatus } from './persistence';
import { seededRandom } from '@fleet/shared-random';
import { emptyStats, type SimStats } from './stats';
import type { SimEntry, StoredEntry } from './store/key-type-store';

export interface SimTlsOptions {
  /** PEM certificate chain and key the server presents. */
  certChain: Buffer;
  privateKey: Buffer;
  /** PEM CA that client certificates must chain to (mTLS). */
  rootCerts?: Buffer;
  requireClientCert?: boolean;
}

export interface DictBridgeSimOptions {
  /** Default 127.0.0.1. */
  host?: string;
  /** 0 (default) = a free port. */
  grpcPort?: number;
  /** 0 (default) = a free port. */
  httpPort?: number;
  /** The participant's ISPB: requests must name it. Default '12345678'. */
  participant?: string;
  /** Overrides of DICT's token buckets (DICT_RATE_LIMITS), per policy. */
  rateLimits?: Partial<Record<RatePolicy, RateLimit>>;
  /** REQUESTED → PROCESSING after this long (default 250 ms); PROCESSING → AVAILABLE once written. */
  fileProcessingDelayMs?: number;
  /** AVAILABLE → UNAVAILABLE (file deleted) this long after; never by default. */
  fileTtlMs?: number;
  /** Where CID files are written; a temporary directory (removed on close) by default. */
  fileDir?: string;
  faults?: SimFaults;
  /** Seeds fault draws, file order and inject choices (random by default). */
  seed?: number;
  /** At most this many events share a millisecond timestamp (default 50; see EventLog). */
  maxEventsPerMs?: number;
  /** Silent by default. */
  logger?: Logger;
  /** TLS (and mTLS) for the gRPC port; plaintext by default. */
  tls?: SimTlsOptions;
  /**
   * Keeps the state (entries, CIDs, events, VSyncs, CID files) in this folder across restarts:
   * loaded at start, saved shortly after each change and at close (see persistence.ts). CID files
   * go to its `files` folder unless `fileDir` says otherwise. In memory only by default.
   */
  dataDir?: string;
  /** How soon a change is saved (default 200 ms). */
  snapshotIntervalMs?: number;
}

export type EntryChange = Partial<Omit<EntryAttributes, 'keyType' | 'key'>>;

export interface DictBridgeSim {
  /** `host:port` of the gRPC server. */
  readonly grpcAddress: string;
  /** `http://host:port` of the downloads and the admin API. */
  readonly httpUrl: string;
  readonly participant: string;
  /** Adds entries (the participant's own, keys not active yet); no events unless asked (state before history began). Returns how many. */
  addEntries(entries: Iterable<SimEntry>, options?: { logEvents?: boolean }): number;
  /** Adds `syntheticEntry(keyType, i, participant, variant)` for i in [from, from + count), yielding to the event loop as it goes. */
  seedSynthetic(keyType: DictKeyType, count: number, options?: { from?: number; variant?: number; logEvents?: boolean }): Promise<number>;
  /** Deletes in DICT; the CID removed, or undefined when the key is not active. Logs an event unless told not to. */
  removeEntry(keyType: DictKeyType, key: string, options?: { logEvents?: boolean }): string | undefined;
  /** Changes attributes in DICT (same RequestId, new CID); undefined when the key is not active. */
  updateEntry(keyType: DictKeyType, key: string, change: EntryChange, options?: { logEvents?: boolean }): { previousCid: string; cid: string } | undefined;
  getEntry(keyType: DictKeyType, key: string): StoredEntry | undefined;
  /** Active entries of the key type. */
  entryCount(keyType: DictKeyType): number;
  vsync(keyType: DictKeyType): string;
  /** The active CIDs (lowercase hex), in no particular order. */
  cids(keyType: DictKeyType): IterableIterator<string>;
  /** The key any CID ever generated belonged to, active or not. */
  keyOfCid(cid: string): { keyType: DictKeyType; key: string } | undefined;
  inject(spec: InjectSpec): InjectResult;
  /** Merges into the faults in force; returns them. */
  setFaults(partial: SimFaults): SimFaults;
  clearFaults(): void;
  faults(): SimFaults;
  stats(): SimStats;
  resetStats(): void;
  /** What an earlier run had saved in `dataDir` and this one loaded (undefined without a data folder). */
  readonly restored: { entries: number; keyTypes: DictKeyType[]; files: number } | undefined;
  /** Where the state is kept and how much of it is not on disk yet (undefined without a data folder). */
  persistence(): PersistenceStatus | undefined;
  /** Saves every change now (a data folder only). */
  flush(): Promise<void>;
  /** Stops serving, and saves the state last when it has a data folder. */
  close(): Promise<void>;
}

// Small batches: a call arriving during a seed of millions waits for one batch (~30 ms), not for the seed.
const SEED_BATCH = 2_000;

/** Starts a DICT behind the bridge: the gRPC DictBridgeService and an HTTP server for files and admin. */
export async function startDictBridgeSim(options: DictBridgeSimOptions = {}): Promise<DictBridgeSim> {
  const participant = options.participant ?? '12345678';
  if (!/^\d{8}$/.test(participant)) throw new Error(`participant must be an ISPB of 8 digits, got ${JSON.stringify(participant)}`);
  const host = options.host ?? '127.0.0.1';
  const logger = options.logger ?? createLogger('dict-bridge-sim', 'silent');
  const random = seededRandom(options.seed ?? randomInt(2 ** 31));
  const dict = new Dict(participant, options.maxEventsPerMs ?? 50);
  const faults = new FaultState(options.faults, random);
  let stats = emptyStats();
  const ownDir = options.fileDir === undefined && options.dataDir === undefined;
  const dir = options.fileDir ?? (options.dataDir ? path.join(options.dataDir, 'files') : await mkdtemp(path.join(tmpdir(), 'dict-bridge-sim-')));
  if (!ownDir) await mkdir(dir, { recursive: true });
  let httpUrl = '';
  const files = new CidFiles({
    dir,
    participant,
    stores: dict.stores,
    faults,
    stats: () => stats,
    random,
    processingDelayMs: options.fileProcessingDelayMs ?? 250,
    ttlMs: options.fileTtlMs,
    urlOf: (id) => `${httpUrl}/cids/files/${id}`,
    logger,
  });

  // The state of an earlier run comes back before anything is served.
  const persistence = options.dataDir ? new SimPersistence(options.dataDir, participant, dict, files, logger, options.snapshotIntervalMs) : undefined;
  const restored = await persistence?.load().catch(async (err: unknown) => {
    await files.close();
    throw err;
  });

  const grpcServer = new Server();
  grpcServer.addService(grpcServiceDefinition(DictBridgeService), createBridgeService({ dict, files, faults, buckets: createBuckets(options.rateLimits), stats: () => stats, logger }));
  const credentials = options.tls
    ? ServerCredentials.createSsl(options.tls.rootCerts ?? null, [{ cert_chain: options.tls.certChain, private_key: options.tls.privateKey }], options.tls.requireClientCert ?? false)
    : ServerCredentials.createInsecure();
  const grpcPort = await new Promise<number>((resolve, reject) => grpcServer.bindAsync(`${host}:${options.grpcPort ?? 0}`, credentials, (err, port) => (err ? reject(err) : resolve(port)))).catch(
    async (err: unknown) => {
      grpcServer.forceShutdown();
      if (ownDir) await rm(dir, { recursive: true, force: true });
      throw err;
    },
  );

  const addEntries = (entries: Iterable<SimEntry>, logEvents: boolean): number => {
    let added = 0;
    for (const e of entries) {
      if (e.participant !== participant) throw new Error(`entry ${e.key}: participant ${e.participant} is not the simulated one (${participant})`);
      dict.store(e.keyType).put(e, logEvents, { mustBeNew: true });
      added++;
    }
    return added;
  };

  let closed = false;
  let http: HttpServer | undefined;
  const sim: DictBridgeSim = {
    grpcAddress: `${host}:${grpcPort}`,
    get httpUrl() {
      return httpUrl;
    },
    participant,
    addEntries: (entries, o) => addEntries(entries, o?.logEvents ?? false),
    async seedSynthetic(keyType, count, o = {}) {
      const from = o.from ?? 0;
      let added = 0;
      while (added < count) {
        const n = Math.min(SEED_BATCH, count - added);
        const start = from + added;
        added += addEntries(
          (function* () {
            for (let i = start; i < start + n; i++) yield syntheticEntry(keyType, i, participant, o.variant ?? 0);
          })(),
          o.logEvents ?? false,
        );
        await new Promise((r) => setImmediate(r)); // keep answering calls while seeding millions
      }
      return added;
    },
    removeEntry: (keyType, key, o) => dict.store(keyType).remove(key, o?.logEvents ?? true),
    updateEntry(keyType, key, change, o) {
      const store = dict.store(keyType);
      const current = store.get(key);
      if (!current) return undefined;
      const { cid: _cid, createdAt: _createdAt, ...entry } = current;
      const { previousCid, cid } = store.put({ ...entry, ...change, keyType, key, requestId: entry.requestId }, o?.logEvents ?? true);
      return { previousCid: previousCid ?? cid, cid };
    },
    getEntry: (keyType, key) => dict.store(keyType).get(key),
    entryCount: (keyType) => dict.store(keyType).size,
    vsync: (keyType) => dict.store(keyType).vsync(),
    cids: (keyType) => dict.store(keyType).activeCidHex(),
    keyOfCid(cid) {
      if (!/^[0-9a-fA-F]{64}$/.test(cid)) return undefined;
      const bytes = Buffer.from(cid, 'hex');
      for (const keyType of KEY_TYPES) {
        const key = dict.stores[keyType].keyOfCid(bytes);
        if (key !== undefined) return { keyType, key };
      }
      return undefined;
    },
    inject: (spec) => inject(dict.store(spec.keyType), participant, spec, random),
    setFaults: (partial) => faults.set(partial),
    clearFaults: () => faults.clear(),
    faults: () => faults.get(),
    stats: () => structuredClone(stats),
    resetStats() {
      stats = emptyStats();
    },
    restored,
    persistence: () => persistence?.status(),
    flush: async () => persistence?.flush(),
    async close() {
      if (closed) return;
      closed = true;
      await new Promise<void>((resolve) => {
        const force = setTimeout(() => {
          grpcServer.forceShutdown();
          resolve();
        }, 2000);
        grpcServer.tryShutdown(() => {
          clearTimeout(force);
          resolve();
        });
      });
      await files.close();
      await persistence?.close();
      if (http) {
        const server = http;
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
      }
      if (ownDir) await rm(dir, { recursive: true, force: true });
    },
  };

  try {
    http = createServer(createHttpHandler({ sim, files, faults, stats: () => stats, logger }));
    const server = http;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.httpPort ?? 0, host, () => resolve());
    });
    httpUrl = `http://${host}:${(server.address() as AddressInfo).port}`;
  } catch (err) {
    http = undefined;
    await sim.close();
    throw err;
  }
  persistence?.start();
  logger.debug({ grpcAddress: sim.grpcAddress, httpUrl, participant }, 'DICT bridge simulator listening');
  return sim;
}
