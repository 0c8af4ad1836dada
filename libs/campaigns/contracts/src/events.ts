import { defineEvent } from '@fleet/shared-event-contracts';
import type { CampaignState, ChannelStatus } from './campaign';
import type { Channel } from './channels';

const event = <Data>(topic: string) =>
  defineEvent<Data>()({ type: `fleet.campaigns.${topic}` as const, domain: 'campaigns', topic, schemaVersion: 1 });

interface PublishEventData {
  campaignId: string;
  channel: Channel;
  creative: number;
  reference: string;
  externalId: string | null;
  status: 'pending_review' | 'approved' | 'disapproved' | 'failed' | 'unpublished' | 'irreversible';
  feedback: string | null;
  at: string;
}

/** The campaigns domain's events, published to `persistent://fleet/campaigns/<topic>` through the outbox. */
export const campaignsEvents = {
  stateChanged: event<{ campaignId: string; from: CampaignState | null; to: CampaignState; by: string | null; reason: string | null; at: string }>('campaign-state-changed'),
  approvalReminder: event<{ campaignId: string; expiresAt: string; at: string }>('campaign-approval-reminder'),
  channelChanged: event<{ campaignId: string; channel: Channel; status: ChannelStatus; by: string | null; reason: string | null; at: string }>('campaign-channel-changed'),
  publishResult: event<PublishEventData>('campaign-publish-result'),
};
