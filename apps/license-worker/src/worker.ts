import { createLicenseActivities, createLicenseMetrics } from '@fleet/license-activities';
import { licenseDomain } from '@fleet/license-contracts';
import { licenseMigrations, type LicenseDatabase } from '@fleet/license-data-access';
import type { Logger } from '@fleet/shared-observability';
import { startDomainWorker, type DomainWorker, type DomainWorkerDefinition, type DomainWorkerOptions } from '@fleet/shared-worker';
import type { LicenseWorkerConfig } from './config';
import path from 'node:path';

/** The license domain's worker: its manifest, migrations, workflows and activity factory. */
export const licenseWorker: DomainWorkerDefinition<LicenseDatabase, LicenseWorkerConfig> = {
  manifest: licenseDomain,
  app: 'license-worker',
  migrations: licenseMigrations,
  schedulesFile: path.join(__dirname, '..', 'workflows.yaml'),
  workflowsPath: require.resolve('@fleet/license-workflows'),
  activities: ({ db, outbox, logger, registry }) => ({
    activities: createLicenseActivities({ db, logger, outbox, metrics: registry && createLicenseMetrics(registry) }),
  }),
};

export function startLicenseWorker(config: LicenseWorkerConfig, logger: Logger, options: DomainWorkerOptions = {}): Promise<DomainWorker> {
  return startDomainWorker(licenseWorker, config, logger, options);
}
