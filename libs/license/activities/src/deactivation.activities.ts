import { LICENSE_EXPIRED_REASON, licenseEvents, type LicenseActivities } from '@fleet/license-contracts';
import {
  deactivateExpiredAgents,
  findExpiredPage,
  findPageResult,
  finishBatch,
  previewExpired,
  recordPageFailure,
  savePageResult,
  startBatch,
} from '@fleet/license-data-access';
import type { LicenseActivityDeps } from './deps';

type DeactivationActivities = Pick<LicenseActivities, 'startBatch' | 'previewExpired' | 'findExpiredPage' | 'deactivatePage' | 'recordPageFailure' | 'finishBatch'>;

/** The daily deactivation's activities: the batch's audit record, its pages found and applied. */
export function createDeactivationActivities({ db, logger, outbox, metrics }: LicenseActivityDeps): DeactivationActivities {
  return {
    async startBatch(batch) {
      await startBatch(db, batch);
      logger.info({ batchId: batch.batchId, batchDate: batch.batchDate, dryRun: batch.dryRun }, 'license batch started');
    },

    previewExpired: (input) => previewExpired(db, input),

    findExpiredPage: (input) => findExpiredPage(db, input),

    /**
     * One page in one transaction: its agents deactivated, their events, and the page's result
     * stored under (batch, page), so a retried page changes nothing twice and reports the first time.
     */
    async deactivatePage(input) {
      const result = await db.transaction().execute(async (trx) => {
        const done = await findPageResult(trx, input.batchId, input.pageNo);
        if (done) return done;
        const { counts, agents } = await deactivateExpiredAgents(trx, input);
        await outbox.append(
          trx,
          licenseEvents.agentDeactivated,
          agents.map((a) => ({
            subject: a.agentId,
            data: { agentId: a.agentId, batchId: input.batchId, batchDate: input.batchDate, reason: LICENSE_EXPIRED_REASON, previousStatus: a.previousStatus },
          })),
        );
        await savePageResult(trx, input.batchId, input.pageNo, counts);
        return counts;
      });
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
  };
}
