import { createTicketingActivities } from '@fleet/ticketing-activities';
import { ticketingDomain } from '@fleet/ticketing-contracts';
import { ticketingMigrations, type TicketingDatabase } from '@fleet/ticketing-data-access';
import type { Logger } from '@fleet/shared-observability';
import { startDomainWorker, type DomainWorker, type DomainWorkerDefinition, type DomainWorkerOptions } from '@fleet/shared-worker';
import path from 'node:path';
import type { TicketingWorkerConfig } from './config';

/** The ticketing domain's worker: its manifest, migrations, workflows, schedules and activity factory. */
export const ticketingWorker: DomainWorkerDefinition<TicketingDatabase, TicketingWorkerConfig> = {
  manifest: ticketingDomain,
  app: 'ticketing-worker',
  migrations: ticketingMigrations,
  workflowsPath: require.resolve('@fleet/ticketing-workflows'),
  schedulesFile: path.join(__dirname, '..', 'workflows.yaml'),
  activities: ({ db, outbox, logger }, config) => {
    const { activities, release } = createTicketingActivities({
      db,
      outbox,
      logger,
      channels: {
        smtp: { host: config.SMTP_HOST, port: config.SMTP_PORT, from: config.SMTP_FROM },
        notifyUrl: config.NOTIFY_URL,
        transientAttempts: config.NOTIFY_TRANSIENT_ATTEMPTS,
      },
    });
    return { activities, release };
  },
};

export function startTicketingWorker(config: TicketingWorkerConfig, logger: Logger, options: DomainWorkerOptions = {}): Promise<DomainWorker> {
  return startDomainWorker(ticketingWorker, config, logger, options);
}
