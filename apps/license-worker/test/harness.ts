import './quiet-runtime';
import { createLogger } from '@fleet/shared-observability';
import { createDb, migrateToLatest } from '@fleet/shared-db';
import { licenseMigrations, type LicenseDatabase } from '@fleet/license-data-access';
import { createTestContext, workerTestEnv, type TestContext } from '@fleet/tools-infra/testing';
import type { Kysely } from 'kysely';
import { loadConfig, type LicenseWorkerConfig } from '../src/config';
import type { DomainWorker as LicenseWorker } from '@fleet/shared-worker';
import { startLicenseWorker } from '../src/worker';

export interface LicenseTestEnv {
  ctx: TestContext;
  db: Kysely<LicenseDatabase>;
  config: LicenseWorkerConfig;
  /** Environment for a license worker process pointed at this test's namespace and database. */
  workerEnv: Record<string, string>;
  startWorker(): Promise<LicenseWorker>;
  close(): Promise<void>;
}

/** A test file's own namespace and migrated database, and the real license worker wired to them. */
export async function licenseTestEnv(name: string): Promise<LicenseTestEnv> {
  const ctx = await createTestContext(name);
  const db = createDb<LicenseDatabase>(ctx.databaseUrl);
  await migrateToLatest(db, licenseMigrations);
  const workerEnv = {
    ...workerTestEnv(ctx),
    WORKFLOW_BUNDLE: ctx.bundle('license-worker'),
  };
  const config = loadConfig(workerEnv);
  const logger = createLogger('license-worker', 'fatal');
  const workers: LicenseWorker[] = [];
  return {
    ctx,
    db,
    config,
    workerEnv,
    async startWorker() {
      const worker = await startLicenseWorker(config, logger);
      workers.push(worker);
      return worker;
    },
    async close() {
      await Promise.all(workers.map((w) => w.stop()));
      await db.destroy();
      await ctx.close();
    },
  };
}
