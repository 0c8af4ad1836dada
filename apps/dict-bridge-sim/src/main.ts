import { KEY_TYPES } from '@fleet/vsync-dict-bridge';
import { createLogger } from '@fleet/shared-observability';
import { loadConfig } from './config';
import { startDictBridgeSim } from './sim';

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger('dict-bridge-sim', config.LOG_LEVEL);
  const sim = await startDictBridgeSim({
    host: config.DICT_SIM_HOST,
    grpcPort: config.DICT_SIM_GRPC_PORT,
    httpPort: config.DICT_SIM_HTTP_PORT,
    participant: config.DICT_SIM_PARTICIPANT,
    fileProcessingDelayMs: config.DICT_SIM_FILE_PROCESSING_DELAY_MS,
    fileDir: config.DICT_SIM_FILE_DIR,
    rateLimits: config.DICT_SIM_RATE_LIMITS,
    faults: config.DICT_SIM_FAULTS,
    dataDir: config.DICT_SIM_DATA_DIR,
    logger,
  });
  if (sim.restored) logger.info({ dataDir: config.DICT_SIM_DATA_DIR, ...sim.restored }, 'DICT bridge simulator state loaded');
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'DICT bridge simulator stopping');
    sim.close().then(
      () => {
        logger.info('DICT bridge simulator stopped');
        process.exit(0);
      },
      (err: unknown) => {
        logger.error({ err }, 'DICT bridge simulator did not stop cleanly');
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));

  logger.info({ grpcAddress: sim.grpcAddress, httpUrl: sim.httpUrl, admin: `${sim.httpUrl}/admin/stats`, participant: sim.participant }, 'DICT bridge simulator listening');
  const perKeyType = config.DICT_SIM_SEED_PER_KEY_TYPE;
  if (perKeyType > 0) {
    const started = Date.now();
    for (const keyType of KEY_TYPES) {
      if (stopping) return;
      // Kept from an earlier run: seeding again would add the same keys twice.
      if (sim.entryCount(keyType) > 0) {
        logger.info({ keyType, entries: sim.entryCount(keyType) }, 'not seeded: it kept its entries');
        continue;
      }
      await sim.seedSynthetic(keyType, perKeyType);
      logger.info({ keyType, entries: sim.entryCount(keyType), vsync: sim.vsync(keyType) }, 'seeded');
    }
    logger.info({ perKeyType, ms: Date.now() - started }, 'seeding done');
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
