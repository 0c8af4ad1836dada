import { createCampaignsActivities } from '@fleet/campaigns-activities';
import { campaignsDomain } from '@fleet/campaigns-contracts';
import { campaignsMigrations, type CampaignsDatabase } from '@fleet/campaigns-data-access';
import type { Logger } from '@fleet/shared-observability';
import { startDomainWorker, type DomainWorker, type DomainWorkerDefinition, type DomainWorkerOptions } from '@fleet/shared-worker';
import path from 'node:path';
import type { CampaignsWorkerConfig } from './config';

/** The campaigns domain's worker: its manifest, migrations, workflows, schedules and activity factory. */
export const campaignsWorker: DomainWorkerDefinition<CampaignsDatabase, CampaignsWorkerConfig> = {
  manifest: campaignsDomain,
  app: 'campaign-worker',
  migrations: campaignsMigrations,
  workflowsPath: require.resolve('@fleet/campaigns-workflows'),
  schedulesFile: path.join(__dirname, '..', 'workflows.yaml'),
  activities: ({ db, outbox, logger }) => ({ activities: createCampaignsActivities({ db, outbox, logger }) }),
};

export function startCampaignsWorker(config: CampaignsWorkerConfig, logger: Logger, options: DomainWorkerOptions = {}): Promise<DomainWorker> {
  return startDomainWorker(campaignsWorker, config, logger, options);
}
