import { envSchemas } from '@fleet/shared-config';
import { loadWorkerConfig } from '@fleet/shared-worker';

/** The license worker's configuration: the variables every domain worker reads, and its metrics port. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env) {
  return loadWorkerConfig({ METRICS_PORT: envSchemas.port(9464) }, env);
}

export type LicenseWorkerConfig = ReturnType<typeof loadConfig>;
