import { envSchemas, parseEnv } from '@fleet/shared-config';
import { z } from 'zod';

/** The server's configuration when it runs as its own process. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env) {
  return parseEnv(
    {
      LLM_SERVER_HOST: z.string().min(1).default('127.0.0.1'),
      LLM_SERVER_PORT: envSchemas.port(50081),
      /** A GGUF file; by default SmolLM2-135M-Instruct from the tools cache (fetched once). */
      LLM_MODEL_PATH: z.string().min(1).optional(),
      /** The model id the API reports and accepts. */
      LLM_SERVER_MODEL_ID: z.string().min(1).default('smollm2-135m-instruct'),
      /** When set, every /v1 request must carry it as a bearer token. */
      LLM_API_KEY: z.string().min(1).optional(),
      /** CPU threads for llama.cpp (the machine has 2 cores). */
      LLM_SERVER_THREADS: envSchemas.positiveInt(2),
      /** Completions generated at once. */
      LLM_SERVER_SEQUENCES: z.coerce.number().int().min(1).max(2).default(1),
      /** Tokens of context per sequence (prompt and answer). */
      LLM_SERVER_CONTEXT_SIZE: z.coerce.number().int().min(256).max(8192).default(2048),
      /** Requests that may wait for a sequence; more are refused with 503 and Retry-After. */
      LLM_SERVER_QUEUE_LIMIT: z.coerce.number().int().min(0).default(16),
      LLM_SERVER_MAX_TOKENS: envSchemas.positiveInt(256),
      LLM_SERVER_MAX_TOKENS_LIMIT: envSchemas.positiveInt(2048),
      LLM_SERVER_TEMPERATURE: z.coerce.number().min(0).max(2).default(0.7),
      LOG_LEVEL: envSchemas.logLevel,
    },
    env,
  );
}
