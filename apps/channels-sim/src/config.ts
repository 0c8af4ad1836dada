import { envSchemas, parseEnv } from '@fleet/shared-config';
import { z } from 'zod';
import { faultSchema } from './faults';
import { channelQuotasSchema } from './quotas';

/** The simulator's configuration when it runs as its own process. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env) {
  return parseEnv(
    {
      CHANNELS_SIM_HOST: z.string().min(1).default('127.0.0.1'),
      CHANNELS_SIM_PORT: envSchemas.port(50071),
      /** Seeds reviews, delivery figures and fault draws, so a run can be replayed. */
      CHANNELS_SIM_SEED: z.coerce.number().int().default(1),
      CHANNELS_SIM_REVIEW_MIN_MS: z.coerce.number().int().min(0).default(200),
      CHANNELS_SIM_REVIEW_MAX_MS: z.coerce.number().int().min(0).default(2000),
      CHANNELS_SIM_DISAPPROVAL_RATE: z.coerce.number().min(0).max(1).default(0.1),
      /** JSON quotas per channel, e.g. {"meta":{"ratePerSecond":2,"burst":4}}; 10 calls/s otherwise. */
      CHANNELS_SIM_QUOTAS: envSchemas.json(channelQuotasSchema).optional(),
      /** JSON faults in force from the start, e.g. [{"kind":"error500","channel":"meta","rate":0.2}]. */
      CHANNELS_SIM_FAULTS: envSchemas.json(z.array(faultSchema)).optional(),
      /** More site domains to serve, comma-separated (the defaults are always served). */
      CHANNELS_SIM_SITES: z
        .string()
        .optional()
        .transform((v) => (v ?? '').split(',').map((d) => d.trim()).filter(Boolean)),
      LOG_LEVEL: envSchemas.logLevel,
    },
    env,
  );
}
