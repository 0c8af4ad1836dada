import './quiet-runtime';
import { startDictBridgeSim, type DictBridgeSim } from '@fleet/dict-bridge-sim';
import { createDb, migrateToLatest } from '@fleet/shared-db';
import { syntheticEntry } from '@fleet/vsync-dict-bridge/testing';
import { eventsMigrations } from '@fleet/shared-events';
import { createLogger } from '@fleet/shared-observability';
import { appNodeArgs, createTestContext, repoRoot, spawnManaged, testEnv, workerTestEnv, type ManagedProcess, type TestContext } from '@fleet/tools-infra/testing';
import { VSYNC_TASK_QUEUE, type KeyType, type ReconciliationOptions, type ReconciliationResult, type VsyncVerificationSummary } from '@fleet/vsync-contracts';
import { changeEntries, vsyncMigrations, type VsyncDatabase } from '@fleet/vsync-data-access';
import type { Kysely } from 'kysely';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { loadConfig } from '../src/config';
import type { DomainWorker as VsyncWorker } from '@fleet/shared-worker';
import { startVsyncWorker, type VsyncWorkerOptions } from '../src/worker';

export const PARTICIPANT = '12345678';

/** Reconciliation options that make a test quick: files polled every second. */
export const FAST: Partial<ReconciliationOptions> = { filePollIntervalSeconds: 1, fileWaitHours: 0.05, applyBatchSize: 50 };

export interface VsyncTestEnv {
  ctx: TestContext;
  db: Kysely<VsyncDatabase>;
  sim: DictBridgeSim;
  workerEnv: Record<string, string>;
  startWorker(options?: VsyncWorkerOptions): Promise<VsyncWorker>;
  /** The vsync worker as its own process (to be killed). */
  startWorkerProcess(name: string): ManagedProcess;
  /** The same `count` synthetic entries of a key type in DICT (the simulator) and in the local base. */
  seedBoth(keyType: KeyType, count: number, from?: number): Promise<void>;
  verify(input?: object, workflowId?: string): Promise<VsyncVerificationSummary>;
  reconcile(keyType: KeyType, options?: Partial<ReconciliationOptions>, workflowId?: string): Promise<ReconciliationResult>;
  close(): Promise<void>;
}

/** A test file's own namespace, database and DICT simulator, and the real vsync worker wired to them. */
export async function vsyncTestEnv(name: string, simOptions: Parameters<typeof startDictBridgeSim>[0] = {}, extraEnv: Record<string, string> = {}): Promise<VsyncTestEnv> {
  const ctx = await createTestContext(name);
  const db = createDb<VsyncDatabase>(ctx.databaseUrl);
  await migrateToLatest(db, vsyncMigrations);
  await migrateToLatest(db, eventsMigrations);
  const sim = await startDictBridgeSim({ participant: PARTICIPANT, fileProcessingDelayMs: 200, ...simOptions });
  const workerEnv = {
    ...workerTestEnv(ctx),
    WORKFLOW_BUNDLE: ctx.bundle('vsync-worker'),
    DICT_PARTICIPANT: PARTICIPANT,
    DICT_BRIDGE_ADDRESS: sim.grpcAddress,
    ...extraEnv,
  };
  const config = loadConfig(workerEnv);
  const logger = createLogger('vsync-worker', 'fatal');
  const workers: VsyncWorker[] = [];
  const processes: ManagedProcess[] = [];
  const env: VsyncTestEnv = {
    ctx,
    db,
    sim,
    workerEnv,
    async startWorker(options) {
      const worker = await startVsyncWorker(config, logger, options);
      workers.push(worker);
      return worker;
    },
    startWorkerProcess(processName) {
      const child = spawnManaged({
        name: 'vsync-worker',
        command: process.execPath,
        args: [...appNodeArgs(), path.join(repoRoot, 'apps/vsync-worker/src/main.ts')],
        cwd: repoRoot,
        env: { ...process.env, ...workerEnv },
        logFile: path.join(testEnv('dir'), 'logs', `${processName}-vsync-worker.log`),
      });
      processes.push(child);
      return child;
    },
    async seedBoth(keyType, count, from = 0) {
      const entries = Array.from({ length: count }, (_, i) => syntheticEntry(keyType, from + i, PARTICIPANT));
      sim.addEntries(entries);
      for (let i = 0; i < entries.length; i += 1000) await db.transaction().execute((trx) => changeEntries(trx, keyType, { upserts: entries.slice(i, i + 1000) }));
    },
    verify(input = {}, workflowId = `verification-${randomUUID()}`) {
      return ctx.client.workflow.execute('vsyncVerificationWorkflow', { taskQueue: VSYNC_TASK_QUEUE, workflowId, args: [input] });
    },
    reconcile(keyType, options = FAST, workflowId = `reconciliation-${keyType}-${randomUUID()}`) {
      return ctx.client.workflow.execute('vsyncReconciliationWorkflow', {
        taskQueue: VSYNC_TASK_QUEUE,
        workflowId,
        args: [{ keyType, day: '2026-11-22', options }],
      });
    },
    async close() {
      await Promise.all(processes.map((p) => p.stop()));
      await Promise.all(workers.map((w) => w.stop()));
      await sim.close();
      await db.destroy();
      await ctx.close();
    },
  };
  return env;
}
