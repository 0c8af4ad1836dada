import { campaignsEvents, type CampaignsActivities } from '@fleet/campaigns-contracts';
import { insertSample, type CampaignsDatabase } from '@fleet/campaigns-data-access';
import type { Outbox } from '@fleet/shared-events';
import type { Logger } from '@fleet/shared-observability';
import type { Kysely } from 'kysely';

export interface CampaignsActivityDeps {
  db: Kysely<CampaignsDatabase>;
  /** Where the domain's events are written, in the same transaction as each change. */
  outbox: Outbox;
  logger: Logger;
}

/**
 * The campaign-worker's activities, built from their dependencies so the worker and the tests wire
 * them the same way. Each opens its transaction and hands it to the repository functions.
 */
export function createCampaignsActivities({ db, outbox, logger }: CampaignsActivityDeps): CampaignsActivities {
  return {
    async recordSample(input) {
      const { inserted, recordedAt } = await db.transaction().execute(async (trx) => {
        const row = await insertSample(trx, input);
        if (row.inserted) await outbox.append(trx, campaignsEvents.sampleRecorded, [{ subject: input.sampleId, data: { sampleId: input.sampleId, length: input.text.length } }]);
        return row;
      });
      logger.info({ sampleId: input.sampleId, inserted }, 'sample recorded');
      return { sampleId: input.sampleId, length: input.text.length, recorded: inserted, recordedAt: recordedAt.toISOString() };
    },
  };
}
