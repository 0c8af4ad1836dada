import { envSchemas, parseEnv } from '@fleet/shared-config';
import { z } from 'zod';

/** The simulator's configuration when it runs as its own process. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env) {
  return parseEnv(
    {
      LLM_SIM_HOST: z.string().min(1).default('127.0.0.1'),
      LLM_SIM_PORT: envSchemas.port(50082),
      /** When set, requests must carry it as a bearer token. */
      LLM_SIM_API_KEY: z.string().min(1).optional(),
      /** Comma-separated model ids GET /v1/models lists. */
      LLM_SIM_MODELS: z
        .string()
        .default('fleet-sim')
        .transform((v) => v.split(',').map((m) => m.trim()).filter(Boolean)),
      LOG_LEVEL: envSchemas.logLevel,
    },
    env,
  );
}
