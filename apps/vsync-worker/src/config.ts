import { envSchemas } from '@fleet/shared-config';
import { loadWorkerConfig } from '@fleet/shared-worker';
import { rateLimitsSchema } from '@fleet/vsync-dict-bridge';
import { z } from 'zod';

/** The vsync worker's configuration: the variables every domain worker reads, and the DICT bridge's. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env) {
  return loadWorkerConfig(
    {
      METRICS_PORT: envSchemas.port(9465),
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
    },
    env,
  );
}

export type VsyncWorkerConfig = ReturnType<typeof loadConfig>;
