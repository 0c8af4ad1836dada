import path from 'node:path';
import { envSchemas, parseEnv } from '@fleet/shared-config';
import { z } from 'zod';

/** The license worker's configuration, read from the environment. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env) {
  return parseEnv(
    {
      ...envSchemas.temporal,
      DATABASE_URL: envSchemas.url,
      DATABASE_POOL_SIZE: envSchemas.positiveInt(10),
      /** Prometheus /metrics of the worker's own counters. */
      METRICS_PORT: envSchemas.port(9464),
      /** Bind address for the SDK's own Prometheus metrics; off when unset. */
      TEMPORAL_SDK_METRICS_BIND: z.string().optional(),
      LICENSE_WORKFLOW_BUNDLE: z.string().default(path.join(__dirname, '..', 'dist', 'workflow-bundle.js')),
      LICENSE_MAX_CONCURRENT_ACTIVITIES: envSchemas.positiveInt(8),
      /** The broker's WebSocket service; without it events wait in the outbox. */
      PULSAR_WS_URL: z.string().regex(/^wss?:\/\/[^\s]+$/, 'expected ws://host:port').optional(),
      /** The broker's admin API, to create the domain's namespace; optional when it exists already. */
      PULSAR_ADMIN_URL: envSchemas.url.optional(),
      /** The Pulsar tenant of Fleet's topics. */
      EVENTS_TENANT: z.string().regex(/^[a-z0-9-]+$/, 'expected a tenant name').default('fleet'),
      LOG_LEVEL: envSchemas.logLevel,
    },
    env,
  );
}

export type LicenseWorkerConfig = ReturnType<typeof loadConfig>;
