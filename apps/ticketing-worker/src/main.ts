import { runWorkerMain } from '@fleet/shared-worker';
import { loadConfig } from './config';
import { startTicketingWorker } from './worker';

runWorkerMain('ticketing-worker', loadConfig, (config, logger, registry) => startTicketingWorker(config, logger, { registry }));
