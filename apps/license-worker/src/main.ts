import { runWorkerMain } from '@fleet/shared-worker';
import { loadConfig } from './config';
import { startLicenseWorker } from './worker';

runWorkerMain('license-worker', loadConfig, (config, logger, registry) => startLicenseWorker(config, logger, { registry }));
