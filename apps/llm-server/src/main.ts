import { createLogger } from '@fleet/shared-observability';
import { loadConfig } from './config';
import { loadEngine } from './engine';
import { resolveModelPath } from './model-path';
import { startLlmServer } from './server';

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger('llm-server', config.LOG_LEVEL);
  const modelPath = resolveModelPath(config.LLM_MODEL_PATH);
  // The model is loaded before the port opens: listening means ready.
  const engine = await loadEngine({
    modelPath,
    threads: config.LLM_SERVER_THREADS,
    sequences: config.LLM_SERVER_SEQUENCES,
    contextSize: config.LLM_SERVER_CONTEXT_SIZE,
    queueLimit: config.LLM_SERVER_QUEUE_LIMIT,
  });
  logger.info({ modelPath, loadMs: engine.loadMs, threads: engine.threads, contextSize: engine.contextSize, sequences: config.LLM_SERVER_SEQUENCES }, 'model loaded');
  const server = await startLlmServer({
    engine,
    modelId: config.LLM_SERVER_MODEL_ID,
    host: config.LLM_SERVER_HOST,
    port: config.LLM_SERVER_PORT,
    apiKey: config.LLM_API_KEY,
    defaultMaxTokens: config.LLM_SERVER_MAX_TOKENS,
    maxTokensLimit: config.LLM_SERVER_MAX_TOKENS_LIMIT,
    defaultTemperature: config.LLM_SERVER_TEMPERATURE,
    logger,
  });
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'LLM server stopping');
    server
      .close()
      .then(() => engine.close())
      .then(
        () => process.exit(0),
        (err: unknown) => {
          logger.error({ err }, 'LLM server did not stop cleanly');
          process.exit(1);
        },
      );
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
  logger.info({ url: `${server.url}/v1`, model: config.LLM_SERVER_MODEL_ID }, 'LLM server listening');
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
