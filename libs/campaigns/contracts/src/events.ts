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

interface OptimizationDecisionEventData {
  campaignId: string;
  /** The monitor's pass that decided it (1, 2, ...): with campaignId, the decision's identity. */
  pass: number;
  action: 'pause_channel' | 'move_budget';
  channel: Channel;
  /** For move_budget: the channel the budget went to, and how much (in the campaign's currency). */
  toChannel: Channel | null;
  amount: number | null;
  reason: string;
  at: string;
}

/** The campaigns domain's events, published to `persistent://fleet/campaigns/<topic>` through the outbox. */
export const campaignsEvents = {
  stateChanged: event<{ campaignId: string; from: CampaignState | null; to: CampaignState; by: string | null; reason: string | null; at: string }>('campaign-state-changed'),
  approvalReminder: event<{ campaignId: string; expiresAt: string; at: string }>('campaign-approval-reminder'),
  channelChanged: event<{ campaignId: string; channel: Channel; status: ChannelStatus; by: string | null; reason: string | null; at: string }>('campaign-channel-changed'),
  publishResult: event<PublishEventData>('campaign-publish-result'),
  /** A running campaign's monitor decided something (pause a channel, move budget), and why. */
  optimizationDecision: event<OptimizationDecisionEventData>('campaign-optimization-decision'),
  /** A digital presence audit finished: its report is served by the API. */
  auditCompleted: event<{ auditId: string; domain: string; workflowId: string; reportUrl: string; agents: number; totalTokens: number; at: string }>('campaign-audit-completed'),
};
