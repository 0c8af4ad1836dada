import { createLogger } from '@fleet/shared-observability';
import { loadConfig } from './config';
import { startNotifySim } from './sim';

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger('notify-sim', config.LOG_LEVEL);
  const sim = await startNotifySim({
    host: config.NOTIFY_SIM_HOST,
    port: config.NOTIFY_SIM_PORT,
    seed: config.NOTIFY_SIM_SEED,
    deliveryDelayMs: config.NOTIFY_SIM_DELIVERY_DELAY_MS,
    faults: config.NOTIFY_SIM_FAULTS,
    logger,
  });
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'notify simulator stopping');
    sim.close().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ err }, 'notify simulator did not stop cleanly');
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
  logger.info({ url: sim.url, admin: `${sim.url}/admin/stats` }, 'notify simulator listening');
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
