import { createLogger } from '@fleet/shared-observability';
import { loadConfig } from './config';
import { startLlmSim } from './sim';

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger('llm-sim', config.LOG_LEVEL);
  const sim = await startLlmSim({ host: config.LLM_SIM_HOST, port: config.LLM_SIM_PORT, apiKey: config.LLM_SIM_API_KEY, models: config.LLM_SIM_MODELS, logger });
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'LLM simulator stopping');
    sim.close().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ err }, 'LLM simulator did not stop cleanly');
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
  logger.info({ url: `${sim.url}/v1`, admin: `${sim.url}/admin/stats` }, 'LLM simulator listening');
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
