import { createLogger } from '@fleet/shared-observability';
import { loadConfig } from './config';
import { startChannelsSim } from './sim';

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger('channels-sim', config.LOG_LEVEL);
  const sim = await startChannelsSim({
    host: config.CHANNELS_SIM_HOST,
    port: config.CHANNELS_SIM_PORT,
    seed: config.CHANNELS_SIM_SEED,
    reviewMinMs: config.CHANNELS_SIM_REVIEW_MIN_MS,
    reviewMaxMs: config.CHANNELS_SIM_REVIEW_MAX_MS,
    disapprovalRate: config.CHANNELS_SIM_DISAPPROVAL_RATE,
    quotas: config.CHANNELS_SIM_QUOTAS,
    faults: config.CHANNELS_SIM_FAULTS,
    sites: config.CHANNELS_SIM_SITES,
    logger,
  });
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'channels simulator stopping');
    sim.close().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ err }, 'channels simulator did not stop cleanly');
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
  logger.info({ url: sim.url, admin: `${sim.url}/admin/stats`, sites: `${sim.url}/sites` }, 'channels simulator listening');
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
