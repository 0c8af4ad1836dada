import type { Logger } from '@fleet/shared-observability';
import { startDomainWorker, type DomainWorker, type DomainWorkerDefinition, type DomainWorkerOptions } from '@fleet/shared-worker';
import { createVsyncActivities, createVsyncMetrics } from '@fleet/vsync-activities';
import { vsyncDomain } from '@fleet/vsync-contracts';
import { vsyncMigrations, type VsyncDatabase } from '@fleet/vsync-data-access';
import { createDictBridgeClient, tlsFromFiles, type RateLimit, type RatePolicy } from '@fleet/vsync-dict-bridge';
import type { VsyncWorkerConfig } from './config';
import path from 'node:path';

/** The vsync domain's worker: its manifest, migrations, workflows, and activities over the DICT bridge client. */
export const vsyncWorker: DomainWorkerDefinition<VsyncDatabase, VsyncWorkerConfig> = {
  manifest: vsyncDomain,
  app: 'vsync-worker',
  migrations: vsyncMigrations,
  schedulesFile: path.join(__dirname, '..', 'workflows.yaml'),
  workflowsPath: require.resolve('@fleet/vsync-workflows'),
  activities: ({ db, pool, outbox, logger, registry }, config) => {
    const tlsFiles = { ca: config.DICT_BRIDGE_TLS_CA_FILE, cert: config.DICT_BRIDGE_TLS_CERT_FILE, key: config.DICT_BRIDGE_TLS_KEY_FILE };
    const bridge = createDictBridgeClient({
      address: config.DICT_BRIDGE_ADDRESS,
      tls: tlsFiles.ca || tlsFiles.cert || tlsFiles.key ? tlsFromFiles(tlsFiles) : undefined,
      deadlineMs: config.DICT_BRIDGE_DEADLINE_MS,
      rateLimits: config.DICT_RATE_LIMITS,
    });
    const activities = createVsyncActivities({
      db,
      pool,
      bridge,
      participant: config.DICT_PARTICIPANT,
      outbox,
      logger,
      lookupConcurrency: config.DICT_LOOKUP_CONCURRENCY,
      metrics: registry && createVsyncMetrics(registry),
    });
    return { activities, release: () => bridge.close() };
  },
};

export interface VsyncWorkerOptions extends DomainWorkerOptions {
  /** Client-side DICT limits other than DICT's own (a quota shared between workers; tests). */
  rateLimits?: Partial<Record<RatePolicy, RateLimit>>;
}

export function startVsyncWorker(config: VsyncWorkerConfig, logger: Logger, options: VsyncWorkerOptions = {}): Promise<DomainWorker> {
  const { rateLimits, ...rest } = options;
  return startDomainWorker(vsyncWorker, { ...config, DICT_RATE_LIMITS: rateLimits ?? config.DICT_RATE_LIMITS }, logger, rest);
}
