import './quiet-runtime';
import { ticketingMigrations, type TicketingDatabase } from '@fleet/ticketing-data-access';
import { createDb, migrateToLatest } from '@fleet/shared-db';
import { createLogger } from '@fleet/shared-observability';
import type { DomainWorker } from '@fleet/shared-worker';
import { createTestContext, workerTestEnv, type TestContext } from '@fleet/tools-infra/testing';
import type { Kysely } from 'kysely';
import { loadConfig } from '../src/config';
import { startTicketingWorker } from '../src/worker';

export interface TicketingTestEnv {
  ctx: TestContext;
  db: Kysely<TicketingDatabase>;
  startWorker(): Promise<DomainWorker>;
  close(): Promise<void>;
}

/** A test file's own namespace and migrated database, and the real ticketing-worker wired to them. */
export async function ticketingTestEnv(name: string): Promise<TicketingTestEnv> {
  const ctx = await createTestContext(name);
  const db = createDb<TicketingDatabase>(ctx.databaseUrl);
  await migrateToLatest(db, ticketingMigrations);
  const config = loadConfig({ ...workerTestEnv(ctx), WORKFLOW_BUNDLE: ctx.bundle('ticketing-worker') });
  const logger = createLogger('ticketing-worker', 'fatal');
  const workers: DomainWorker[] = [];
  return {
    ctx,
    db,
    async startWorker() {
      const worker = await startTicketingWorker(config, logger);
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
