import type { CampaignsActivities, Channel } from '@fleet/campaigns-contracts';
import type { CampaignsActivityDeps } from './deps';
import { activityContext } from './channels/limiter';
import type { ChannelPlatform } from './channels/platforms';

/**
 * What the workflow decides about a running channel reaches the objects already live on its
 * platform here: paused or running again, and their budget. Run on the channel's publish queue, each
 * call through the channel's limiter. Idempotent without a key: it sets a status and a budget to
 * values, which is the same however often it is done, so a retry (or a worker killed half-way)
 * simply sets them again. A refusal (4xx) fails at once; a 5xx, no answer or a 429 is retried.
 */
export function createSettingsActivities({ logger }: CampaignsActivityDeps, platforms: Record<Exclude<Channel, 'email'>, ChannelPlatform>): Pick<CampaignsActivities, 'applyChannelSettings'> {
  return {
    async applyChannelSettings(s) {
      if (s.channel === 'email') return { updated: 0, absent: 0 };
      const platform = platforms[s.channel];
      let updated = 0;
      let absent = 0;
      for (const { reference, externalId } of s.objects) {
        activityContext()?.heartbeat();
        const outcome = await platform.update(externalId, { status: s.status, budget: s.budget, currency: s.currency });
        if (outcome === 'updated') updated += 1;
        else {
          absent += 1;
          logger.warn({ campaignId: s.campaignId, reference, externalId }, 'live object gone from the platform: nothing to set');
        }
      }
      logger.info({ campaignId: s.campaignId, channel: s.channel, status: s.status, budget: s.budget, updated, absent }, 'channel settings applied on the platform');
      return { updated, absent };
    },
  };
}
