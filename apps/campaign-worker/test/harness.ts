import './quiet-runtime';
import { campaignsMigrations, type CampaignsDatabase } from '@fleet/campaigns-data-access';
import { createDb, migrateToLatest } from '@fleet/shared-db';
import { createLogger } from '@fleet/shared-observability';
import type { DomainWorker } from '@fleet/shared-worker';
import { createTestContext, workerTestEnv, type TestContext } from '@fleet/tools-infra/testing';
import type { Kysely } from 'kysely';
import { loadConfig } from '../src/config';
import { startCampaignsWorker } from '../src/worker';

export interface CampaignsTestEnv {
  ctx: TestContext;
  db: Kysely<CampaignsDatabase>;
  startWorker(): Promise<DomainWorker>;
  close(): Promise<void>;
}

/** A test file's own namespace and migrated database, and the real campaign-worker wired to them. */
export async function campaignsTestEnv(name: string): Promise<CampaignsTestEnv> {
  const ctx = await createTestContext(name);
  const db = createDb<CampaignsDatabase>(ctx.databaseUrl);
  await migrateToLatest(db, campaignsMigrations);
  const config = loadConfig({ ...workerTestEnv(ctx), WORKFLOW_BUNDLE: ctx.bundle('campaign-worker') });
  const logger = createLogger('campaign-worker', 'fatal');
  const workers: DomainWorker[] = [];
  return {
    ctx,
    db,
    async startWorker() {
      const worker = await startCampaignsWorker(config, logger);
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
