import { envSchemas } from '@fleet/shared-config';
import { loadWorkerConfig } from '@fleet/shared-worker';

/** The campaign-worker's configuration: the variables every domain worker reads, and its metrics port. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env) {
  return loadWorkerConfig({ METRICS_PORT: envSchemas.port(9467) }, env);
}

export type CampaignsWorkerConfig = ReturnType<typeof loadConfig>;
