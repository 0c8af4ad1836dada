import { runWorkerMain } from '@fleet/shared-worker';
import { loadConfig } from './config';
import { startVsyncWorker } from './worker';

runWorkerMain('vsync-worker', loadConfig, (config, logger, registry) => startVsyncWorker(config, logger, { registry }));
