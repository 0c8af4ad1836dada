import { envSchemas, parseEnv } from '@fleet/shared-config';
import { z } from 'zod';

/** The gateway's configuration, read from the environment. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env) {
  return parseEnv(
    {
      ...envSchemas.temporal,
      GATEWAY_PORT: envSchemas.port(3000),
      /** How long one call to Temporal may take before the request answers 503. */
      TEMPORAL_RPC_TIMEOUT_MS: envSchemas.positiveInt(5000),
      LOG_LEVEL: envSchemas.logLevel,
      /** Declaration files, comma-separated; by default every apps/<app>/workflows.yaml. */
      SCHEDULE_FILES: z.string().optional(),
      SCHEDULE_RECONCILE_INTERVAL_MS: z.coerce.number().int().min(0).default(300_000),
      /** What becomes of a Fleet schedule no longer declared. */
      SCHEDULE_ORPHANS: z.enum(['delete', 'pause']).default('delete'),
      /** Static API keys: `name=key:scope scope,...`. */
      GATEWAY_API_KEYS: z.string().optional(),
      /** HS256 secret of the JWTs the gateway accepts; none accepted without it. */
      GATEWAY_JWT_SECRET: z.string().min(16, 'at least 16 characters').optional(),
      GATEWAY_JWT_ISSUER: z.string().optional(),
      GATEWAY_JWT_AUDIENCE: z.string().optional(),
      GATEWAY_RATE_LIMIT_PER_MINUTE: envSchemas.positiveInt(100),
      /** With a database, one gateway at a time reconciles (an advisory lock). */
      DATABASE_URL: envSchemas.url.optional(),
    },
    env,
  );
}

export type GatewayConfig = ReturnType<typeof loadConfig>;
