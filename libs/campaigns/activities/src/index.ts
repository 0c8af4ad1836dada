import type { CampaignsActivities } from '@fleet/campaigns-contracts';
import { createAnalyticsActivities } from './analytics.activities';
import { createCampaignActivities } from './campaign.activities';
import { createChannelLimiter } from './channels/limiter';
import { createPlatforms, type PlatformsConfig } from './channels/platforms';
import { createMailer, type SmtpConfig } from './channels/smtp';
import { createDeliveryReaders } from './channels/stats';
import { createContentActivities, type ContentWriter } from './content.activities';
import type { CampaignsActivityDeps } from './deps';
import { createMonitorActivities } from './monitor.activities';
import { createPublishActivities } from './publish.activities';
import { createSettingsActivities } from './settings.activities';

export type { CampaignsActivityDeps } from './deps';
export type { ContentWriter } from './content.activities';
export type { ChannelPlatform, PlatformObject, PlatformSettings, PlatformsConfig } from './channels/platforms';
export type { DeliveryReader, ReferenceDelivery } from './channels/stats';
export { campaignMessageId } from './channels/smtp';
export { retryAfterMs, exhaustedForMs } from './channels/http';

export interface CampaignChannelsConfig {
  platforms: PlatformsConfig;
  smtp: SmtpConfig;
  /** Calls per second each channel's limiter spaces its calls by (the channel's quota). */
  ratePerSecond: (channel: string) => number;
}

/**
 * The campaign-worker's activities, built from their dependencies so the worker and the tests wire
 * them the same way; `release` closes the SMTP pool.
 */
export function createCampaignsActivities(deps: CampaignsActivityDeps & { channels: CampaignChannelsConfig; writer: ContentWriter }): { activities: CampaignsActivities; release: () => void } {
  const limiter = createChannelLimiter(deps.db, deps.channels.ratePerSecond);
  const mailer = createMailer(deps.channels.smtp);
  const platforms = createPlatforms(limiter, deps.channels.platforms);
  return {
    activities: {
      ...createCampaignActivities(deps),
      ...createContentActivities(deps, deps.writer),
      ...createPublishActivities(deps, { platforms, mailer }),
      ...createSettingsActivities(deps, platforms),
      ...createAnalyticsActivities(deps),
      ...createMonitorActivities(deps, createDeliveryReaders(limiter, deps.channels.platforms)),
    },
    release: () => mailer.close(),
  };
}
export { createAgentActivities, runAgent, fetchSiteFacts, findingsOf, pageFacts, type AgentCallRecord, type AgentDefinition, type AgentDeps, type AgentLlmClient } from './agents';
