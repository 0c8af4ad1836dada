import type { CampaignsActivities } from '@fleet/campaigns-contracts';
import { upsertCampaignAnalytics } from '@fleet/campaigns-data-access';
import type { CampaignsActivityDeps } from './deps';

/** The analytics aggregation: one SQL statement per period, upserted per (campaign, period). */
export function createAnalyticsActivities(deps: Pick<CampaignsActivityDeps, 'db' | 'logger'>): Pick<CampaignsActivities, 'aggregateCampaignAnalytics'> {
  return {
    async aggregateCampaignAnalytics(period) {
      const result = await upsertCampaignAnalytics(deps.db, period);
      deps.logger.info({ ...period, ...result }, 'campaign analytics aggregated');
      return result;
    },
  };
}
