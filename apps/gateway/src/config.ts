import { envSchemas, parseEnv } from '@fleet/shared-config';
import { z } from 'zod';

/** The gateway's configuration, read from the environment. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env) {
  return parseEnv(
    {
      ...envSchemas.temporal,
      GATEWAY_PORT: envSchemas.port(3000),
      /** The address the API listens on: loopback unless said otherwise (0.0.0.0 in a container). */
      GATEWAY_HOST: z.string().min(1).default('127.0.0.1'),
      /** How long a request's calls to Temporal may take, together, before it answers 503. */
      TEMPORAL_RPC_TIMEOUT_MS: envSchemas.positiveInt(5000),
      LOG_LEVEL: envSchemas.logLevel,
      /** Static API keys: `name=key:scope scope,...`. */
      GATEWAY_API_KEYS: z.string().optional(),
      /** HS256 secret of the JWTs the gateway accepts (each must carry an exp); none accepted without it. */
      GATEWAY_JWT_SECRET: z.string().min(16, 'at least 16 characters').optional(),
      GATEWAY_JWT_ISSUER: z.string().optional(),
      GATEWAY_JWT_AUDIENCE: z.string().optional(),
      /** Requests a minute per client (principal, or address for failed authentication) on every /api route. */
      GATEWAY_RATE_LIMIT_PER_MINUTE: envSchemas.positiveInt(100),
    },
    env,
  );
}

export type GatewayConfig = ReturnType<typeof loadConfig>;
