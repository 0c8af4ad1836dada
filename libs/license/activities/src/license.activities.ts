import { ApplicationFailure } from '@temporalio/common';
import type { Kysely } from 'kysely';
import { LICENSE_EXPIRED_REASON, licenseEvents, type LicenseActivities } from '@fleet/license-contracts';
import type { Outbox } from '@fleet/shared-events';
import {
  LicenseNotFoundError,
  deactivatePage,
  findExpiredPage,
  finishBatch,
  previewExpired,
  queueRemindersPage,
  recordPageFailure,
  renewLicense,
  startBatch,
  type LicenseDatabase,
} from '@fleet/license-data-access';
import type { Logger } from '@fleet/shared-observability';
import type { LicenseMetrics } from './metrics';

export interface LicenseActivityDeps {
  db: Kysely<LicenseDatabase>;
  logger: Logger;
  /** Where the domain's events are written, in the same transaction as each change. */
  outbox: Outbox;
  metrics?: LicenseMetrics;
}

/**
 * The license worker's activities, built from their dependencies so the worker and the tests wire
 * real or test ones the same way. Each is idempotent; the SQL lives in the data-access lib.
 */
export function createLicenseActivities({ db, logger, outbox, metrics }: LicenseActivityDeps): LicenseActivities {
  return {
    async startBatch(batch) {
      await startBatch(db, batch);
      logger.info({ batchId: batch.batchId, batchDate: batch.batchDate, dryRun: batch.dryRun }, 'license batch started');
    },

    previewExpired: (input) => previewExpired(db, input),

    findExpiredPage: (input) => findExpiredPage(db, input),

    async deactivatePage(input) {
      const result = await deactivatePage(db, input, (tx, agents) =>
        outbox.append(
          tx,
          licenseEvents.agentDeactivated,
          agents.map((a) => ({
            subject: a.agentId,
            data: { agentId: a.agentId, batchId: input.batchId, batchDate: input.batchDate, reason: LICENSE_EXPIRED_REASON, previousStatus: a.previousStatus },
          })),
        ).then(() => undefined),
      );
      metrics?.agentsDeactivated.inc(result.agentsDeactivated);
      metrics?.pages.inc({ outcome: 'applied' });
      logger.debug({ batchId: input.batchId, pageNo: input.pageNo, ...result }, 'license page deactivated');
      return result;
    },

    async recordPageFailure(failure) {
      metrics?.pages.inc({ outcome: 'failed' });
      logger.error(failure, 'license deactivation page failed; its agents are left for the next run');
      await recordPageFailure(db, failure);
    },

    async finishBatch(summary) {
      await finishBatch(db, summary);
      logger.info(summary, 'license batch finished');
    },

    async queueRemindersPage(input) {
      const result = await queueRemindersPage(db, input, (tx, reminders) =>
        outbox.append(tx, licenseEvents.renewalReminderQueued, reminders.map((r) => ({ subject: r.agentId, data: r }))).then(() => undefined),
      );
      metrics?.remindersQueued.inc(result.queued);
      return result;
    },

    async renewLicense(input) {
      try {
        const result = await renewLicense(db, input, (tx, r) =>
          outbox.append(tx, licenseEvents.agentReinstated, [
            {
              subject: r.agentId,
              data: { agentId: r.agentId, licenseId: r.licenseId, renewalDate: r.renewalDate, restoredStatus: r.restoredStatus ?? 'ACTIVE' },
            },
          ]).then(() => undefined),
        );
        if (result.reinstated) metrics?.reinstatements.inc();
        logger.info(result, 'license renewed');
        return result;
      } catch (err) {
        if (err instanceof LicenseNotFoundError) {
          throw ApplicationFailure.nonRetryable(err.message, 'LicenseNotFound', { licenseId: err.licenseId });
        }
        throw err;
      }
    },
  };
}
