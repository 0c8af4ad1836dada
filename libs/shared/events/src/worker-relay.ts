import type { Logger } from '@fleet/shared-observability';
import type { Kysely } from 'kysely';
import { ensureEventNamespaces } from './admin';
import { startOutboxRelay, type OutboxRelay } from './relay';

export interface WorkerRelayConfig {
  PULSAR_WS_URL?: string;
  PULSAR_ADMIN_URL?: string;
  EVENTS_TENANT: string;
}

/**
 * A worker's outbox relay, as every worker runs it: on when a broker is configured (creating the
 * domain's namespace through the admin API when that is given); otherwise events wait in the outbox.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any app's database with the outbox table
export function startWorkerRelay(config: WorkerRelayConfig, db: Kysely<any>, domain: string, logger: Logger): OutboxRelay | undefined {
  const adminUrl = config.PULSAR_ADMIN_URL;
  if (!config.PULSAR_WS_URL) {
    logger.warn('PULSAR_WS_URL is not set: events wait in the outbox until a relay with a broker runs');
    return undefined;
  }
  return startOutboxRelay({
    db,
    wsUrl: config.PULSAR_WS_URL,
    logger,
    prepare: adminUrl ? () => ensureEventNamespaces(adminUrl, [domain], config.EVENTS_TENANT) : undefined,
  });
}
