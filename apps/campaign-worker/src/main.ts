import { runWorkerMain } from '@fleet/shared-worker';
import { loadConfig } from './config';
import { startCampaignsWorker } from './worker';

runWorkerMain('campaign-worker', loadConfig, (config, logger, registry) => startCampaignsWorker(config, logger, { registry }));
