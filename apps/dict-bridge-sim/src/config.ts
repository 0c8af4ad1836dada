import { envSchemas, parseEnv } from '@fleet/shared-config';
import { rateLimitsSchema } from '@fleet/vsync-dict-bridge';
import { z } from 'zod';
import { faultsSchema } from './faults';


/** The simulator's configuration when it runs as its own process. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env) {
  return parseEnv(
    {
      DICT_SIM_HOST: z.string().min(1).default('127.0.0.1'),
      DICT_SIM_GRPC_PORT: envSchemas.port(50051),
      DICT_SIM_HTTP_PORT: envSchemas.port(50052),
      /** The ISPB of the participant the simulator serves. */
      DICT_SIM_PARTICIPANT: z.string().regex(/^\d{8}$/, 'expected an ISPB of 8 digits').default('12345678'),
      /** Synthetic entries seeded in each of the five key types at start (no events: history starts after). */
      DICT_SIM_SEED_PER_KEY_TYPE: z.coerce.number().int().min(0).default(0),
      DICT_SIM_FILE_PROCESSING_DELAY_MS: z.coerce.number().int().min(0).default(1000),
      /** Keeps entries, CIDs, events and CID files here across restarts; in memory only when unset. */
      DICT_SIM_DATA_DIR: z.string().min(1).optional(),
      /** Where CID files go; the data folder's `files`, else a temporary directory. */
      DICT_SIM_FILE_DIR: z.string().min(1).optional(),
      /** JSON, e.g. {"CIDS_FILES_WRITE":{"refillPerMinute":60,"capacity":100}}; DICT's limits otherwise. */
      DICT_SIM_RATE_LIMITS: envSchemas.json(rateLimitsSchema).optional(),
      /** JSON faults in force from the start, e.g. {"unavailableRate":0.3,"latencyMs":50}. */
      DICT_SIM_FAULTS: envSchemas.json(faultsSchema).optional(),
      LOG_LEVEL: envSchemas.logLevel,
    },
    env,
  );
}

export type DictSimConfig = ReturnType<typeof loadConfig>;
