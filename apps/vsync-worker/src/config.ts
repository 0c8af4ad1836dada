import path from 'node:path';
import { envSchemas, parseEnv } from '@fleet/shared-config';
import { rateLimitsSchema } from '@fleet/shared-dict-bridge';
import { z } from 'zod';

/** The vsync worker's configuration, read from the environment. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env) {
  return parseEnv(
    {
      ...envSchemas.temporal,
      DATABASE_URL: envSchemas.url,
      DATABASE_POOL_SIZE: envSchemas.positiveInt(10),
      METRICS_PORT: envSchemas.port(9465),
      TEMPORAL_SDK_METRICS_BIND: z.string().optional(),
      VSYNC_WORKFLOW_BUNDLE: z.string().default(path.join(__dirname, '..', 'dist', 'workflow-bundle.js')),
      VSYNC_MAX_CONCURRENT_ACTIVITIES: envSchemas.positiveInt(8),
      /** This participant's ISPB (8 digits). */
      DICT_PARTICIPANT: z.string().regex(/^\d{8}$/, 'expected an ISPB of 8 digits'),
      /** host:port of the DICT bridge's gRPC service. */
      DICT_BRIDGE_ADDRESS: z.string().regex(/^[^\s:]+:\d+$/, 'expected host:port'),
      /** PEM files for TLS to the bridge (CA), and for mutual TLS (client certificate and key). Plaintext when none is set. */
      DICT_BRIDGE_TLS_CA_FILE: z.string().optional(),
      DICT_BRIDGE_TLS_CERT_FILE: z.string().optional(),
      DICT_BRIDGE_TLS_KEY_FILE: z.string().optional(),
      DICT_BRIDGE_DEADLINE_MS: envSchemas.positiveInt(10_000),
      /** getEntryByCid calls in flight while applying corrections. */
      DICT_LOOKUP_CONCURRENCY: envSchemas.positiveInt(16),
      /** This worker's share of DICT's limits, as JSON, when several workers share the participant's quota. */
      DICT_RATE_LIMITS: envSchemas.json(rateLimitsSchema).optional(),
      PULSAR_WS_URL: z.string().regex(/^wss?:\/\/[^\s]+$/, 'expected ws://host:port').optional(),
      PULSAR_ADMIN_URL: envSchemas.url.optional(),
      EVENTS_TENANT: z.string().regex(/^[a-z0-9-]+$/, 'expected a tenant name').default('fleet'),
      LOG_LEVEL: envSchemas.logLevel,
    },
    env,
  );
}

export type VsyncWorkerConfig = ReturnType<typeof loadConfig>;
