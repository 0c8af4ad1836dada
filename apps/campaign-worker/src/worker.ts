import { createCampaignsActivities } from '@fleet/campaigns-activities';
import { CAMPAIGNS_AI_TASK_QUEUE, campaignsDomain, channelOfTaskQueue } from '@fleet/campaigns-contracts';
import { campaignsMigrations, type CampaignsDatabase } from '@fleet/campaigns-data-access';
import type { Logger } from '@fleet/shared-observability';
import { startDomainWorker, type DomainWorker, type DomainWorkerDefinition, type DomainWorkerOptions } from '@fleet/shared-worker';
import path from 'node:path';
import { withAgentActivities } from './agents';
import { quotaOf, type CampaignsWorkerConfig } from './config';
import { createContentWriter } from './llm';

/** The campaigns domain's worker: its manifest, migrations, workflows, schedules, activity factory and per-queue limits. */
export const campaignsWorker: DomainWorkerDefinition<CampaignsDatabase, CampaignsWorkerConfig> = {
  manifest: campaignsDomain,
  app: 'campaign-worker',
  migrations: campaignsMigrations,
  workflowsPath: require.resolve('@fleet/campaigns-workflows'),
  schedulesFile: path.join(__dirname, '..', 'workflows.yaml'),
  activities: ({ db, outbox, logger, registry }, config) =>
    withAgentActivities({ db, outbox, logger, registry }, config, createCampaignsActivities({
      db,
      outbox,
      logger,
      writer: createContentWriter(config),
      channels: {
        platforms: { baseUrl: config.CHANNELS_URL, account: config.CHANNELS_ACCOUNT },
        smtp: { host: config.SMTP_HOST, port: config.SMTP_PORT, from: config.SMTP_FROM },
        ratePerSecond: (channel) => quotaOf(config, channel),
      },
    })),
  // Each publish queue dispatches at its channel's quota (server-side, across every worker); the AI queue runs few calls at once.
  queueOptions: (queue, config) => {
    const channel = channelOfTaskQueue(queue);
    if (channel) return { maxTaskQueueActivitiesPerSecond: quotaOf(config, channel) };
    if (queue === CAMPAIGNS_AI_TASK_QUEUE) return { maxConcurrentActivityTaskExecutions: config.AI_CONCURRENCY };
    return undefined;
  },
};

export function startCampaignsWorker(config: CampaignsWorkerConfig, logger: Logger, options: DomainWorkerOptions = {}): Promise<DomainWorker> {
  return startDomainWorker(campaignsWorker, config, logger, options);
}
