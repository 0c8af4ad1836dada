import './quiet-runtime';
import { campaignsMigrations, type CampaignsDatabase } from '@fleet/campaigns-data-access';
import { campaignCreateUpdate, campaignWorkflowId, CAMPAIGNS_TASK_QUEUE, instantToLocal, type CampaignView, type CreateCampaignRequest } from '@fleet/campaigns-contracts';
import { startLlmSim, type LlmSim } from '@fleet/llm-sim';
import { createDb, migrateToLatest } from '@fleet/shared-db';
import { createLogger } from '@fleet/shared-observability';
import type { DomainWorker } from '@fleet/shared-worker';
import {
  createTestContext,
  startTestChannelsSim,
  startTestMailpit,
  workerTestEnv,
  type TestChannelsSim,
  type TestChannelsSimOptions,
  type TestContext,
  type TestMailpit,
} from '@fleet/tools-infra/testing';
import { WithStartWorkflowOperation, type Client } from '@temporalio/client';
import type { Kysely } from 'kysely';
import { loadConfig } from '../src/config';
import { startCampaignsWorker } from '../src/worker';

export interface CampaignsTestEnv {
  ctx: TestContext;
  db: Kysely<CampaignsDatabase>;
  sim: TestChannelsSim;
  mailpit: TestMailpit;
  llm: LlmSim;
  /** The worker's environment (for a worker run as its own process). */
  env: Record<string, string>;
  startWorker(): Promise<DomainWorker>;
  close(): Promise<void>;
}

/**
 * A test file's own namespace and migrated database, the channels simulator, Mailpit and the
 * deterministic LLM simulator, and the real campaign-worker wired to them.
 */
export async function campaignsTestEnv(name: string, options: { sim?: TestChannelsSimOptions; env?: Record<string, string> } = {}): Promise<CampaignsTestEnv> {
  const ctx = await createTestContext(name);
  const db = createDb<CampaignsDatabase>(ctx.databaseUrl);
  await migrateToLatest(db, campaignsMigrations);
  const [sim, mailpit, llm] = await Promise.all([startTestChannelsSim(name, options.sim), startTestMailpit(name), startLlmSim({ port: 0 })]);
  const env: Record<string, string> = {
    ...workerTestEnv(ctx),
    WORKFLOW_BUNDLE: ctx.bundle('campaign-worker'),
    CHANNELS_URL: sim.url,
    CHANNELS_ACCOUNT: 'acme',
    SMTP_HOST: mailpit.smtp.host,
    SMTP_PORT: String(mailpit.smtp.port),
    LLM_BASE_URL: `${llm.url}/v1`,
    LLM_MODEL: 'sim',
    ...options.env,
  };
  const config = loadConfig(env);
  const logger = createLogger('campaign-worker', 'fatal');
  const workers: DomainWorker[] = [];
  return {
    ctx,
    db,
    sim,
    mailpit,
    llm,
    env,
    async startWorker() {
      const worker = await startCampaignsWorker(config, logger);
      workers.push(worker);
      return worker;
    },
    async close() {
      await Promise.all(workers.map((w) => w.stop()));
      await Promise.all([sim.stop(), mailpit.stop(), llm.close()]);
      await db.destroy();
      await ctx.close();
    },
  };
}

/** Creates a campaign (update-with-start: a repeat finds the first). */
export function createCampaign(client: Client, input: CreateCampaignRequest): Promise<CampaignView> {
  return client.workflow.executeUpdateWithStart(campaignCreateUpdate, {
    args: [input],
    startWorkflowOperation: new WithStartWorkflowOperation('campaignWorkflow', {
      workflowId: campaignWorkflowId(input.idempotencyKey),
      taskQueue: CAMPAIGNS_TASK_QUEUE,
      args: [input],
      workflowIdConflictPolicy: 'USE_EXISTING',
    }),
  });
}

export const TZ = 'Europe/Berlin';

/** The local date-time in the campaign's zone `ms` from now (second precision). */
export const localIn = (ms: number, timeZone = TZ) => instantToLocal(Date.now() + ms, timeZone);

/** A campaign on the given channels, starting now in Berlin and ending `endInMs` from now. */
export function campaignInput(key: string, overrides: Partial<CreateCampaignRequest> = {}, endInMs = 15_000): CreateCampaignRequest {
  return {
    idempotencyKey: key,
    name: `Spring sale ${key}`,
    brief: 'Garden tools, 20% off for two weeks. Friendly tone.',
    timeZone: TZ,
    startAt: localIn(0),
    endAt: localIn(endInMs),
    budget: { total: 1000, currency: 'EUR' },
    channels: [
      { channel: 'google', budget: 300, creatives: 2 },
      { channel: 'meta', budget: 300, creatives: 1 },
      { channel: 'linkedin', budget: 200, creatives: 1 },
    ],
    approval: { remindAfterSeconds: 60, expireAfterSeconds: 120 },
    reviewPollSeconds: 1,
    ...overrides,
  };
}
