import { envSchemas, parseEnv } from '@fleet/shared-config';

/** The gateway's configuration, read from the environment. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env) {
  return parseEnv(
    {
      ...envSchemas.temporal,
      GATEWAY_PORT: envSchemas.port(3000),
      /** How long one call to Temporal may take before the request answers 503. */
      TEMPORAL_RPC_TIMEOUT_MS: envSchemas.positiveInt(5000),
      LOG_LEVEL: envSchemas.logLevel,
    },
    env,
  );
}

export type GatewayConfig = ReturnType<typeof loadConfig>;
