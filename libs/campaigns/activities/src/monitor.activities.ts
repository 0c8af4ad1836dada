import type { CampaignsActivities, ChannelDelivery } from '@fleet/campaigns-contracts';
import type { DeliveryReader } from './channels/stats';
import { activityContext } from './channels/limiter';
import type { CampaignsActivityDeps } from './deps';

/**
 * The running campaign's monitor reads its delivery here: per channel, the statistics of each
 * published creative (by its reference), one platform call each through the channel's limiter,
 * channels in parallel. Read-only: the decisions are the workflow's, recorded with its changes.
 */
export function createMonitorActivities({ logger }: CampaignsActivityDeps, readers: Record<'google' | 'meta' | 'linkedin', DeliveryReader>): Pick<CampaignsActivities, 'readDeliveryStats'> {
  return {
    async readDeliveryStats({ campaignId, channels }) {
      const read = async ({ channel, references }: { channel: ChannelDelivery['channel']; references: string[] }): Promise<ChannelDelivery | undefined> => {
        if (channel === 'email') return undefined;
        const total: ChannelDelivery = { channel, impressions: 0, clicks: 0, spend: 0, objects: 0 };
        for (const reference of references) {
          activityContext()?.heartbeat();
          const d = await readers[channel](reference);
          total.impressions += d.impressions;
          total.clicks += d.clicks;
          total.spend += d.spend;
          total.objects += d.objects;
        }
        total.spend = Math.round(total.spend * 100) / 100;
        return total;
      };
      const read_ = await Promise.all(channels.map(read));
      const delivery = read_.filter((d): d is ChannelDelivery => d !== undefined);
      logger.debug({ campaignId, delivery }, 'delivery read');
      return { channels: delivery };
    },
  };
}
