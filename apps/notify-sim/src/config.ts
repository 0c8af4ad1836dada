import { envSchemas, parseEnv } from '@fleet/shared-config';
import { z } from 'zod';
import { faultsSchema } from './faults';

/** The simulator's configuration when it runs as its own process. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env) {
  return parseEnv(
    {
      NOTIFY_SIM_HOST: z.string().min(1).default('127.0.0.1'),
      NOTIFY_SIM_PORT: envSchemas.port(50061),
      /** Seeds fault and failed-delivery draws, so a run can be replayed. */
      NOTIFY_SIM_SEED: z.coerce.number().int().default(1),
      NOTIFY_SIM_DELIVERY_DELAY_MS: z.coerce.number().int().min(0).default(500),
      /** JSON faults in force from the start, e.g. {"refuse":{"status":503,"probability":0.3}}. */
      NOTIFY_SIM_FAULTS: envSchemas.json(faultsSchema).optional(),
      LOG_LEVEL: envSchemas.logLevel,
    },
    env,
  );
}
