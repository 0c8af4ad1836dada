import type { AnalyticsAggregateResult, AnalyticsPeriod } from './analytics';
import type { CampaignChange, CampaignView, ChannelDelivery } from './campaign';
import type { Channel, Creative } from './channels';
import type { CreateCampaignInput } from './schemas';

export interface PublishRequest {
  campaignId: string;
  channel: Channel;
  creative: number;
  reference: string;
  content: Creative;
  /** The channel's budget per creative. */
  budget: number;
  currency: string;
  /** E-mail only. */
  recipients: string[];
  /** The workflow's time of the dispatch (recorded, never decided on). */
  at: string;
}

export interface PublishResult {
  externalId: string;
  /** `pending_review` until the platform's asynchronous review decides; e-mail is approved once sent. */
  status: 'pending_review' | 'approved';
  /** The reference existed already (a retry, a restarted worker): nothing was created. */
  found: boolean;
}

/**
 * What a channel's live objects on its platform are kept at: running or paused, and the channel's
 * budget per creative. The workflow sends it after an optimization decision (a paused channel, a
 * moved budget) and after a person pauses or resumes the channel.
 */
export interface ChannelSettingsRequest {
  campaignId: string;
  channel: Channel;
  /** The channel's live objects: each creative's reference and the platform's id of it. */
  objects: { reference: string; externalId: string }[];
  status: 'active' | 'paused';
  /** The channel's budget per creative, as `PublishRequest.budget` is computed. */
  budget: number;
  currency: string;
  /** The workflow's time of the change (recorded, never decided on). */
  at: string;
}

export interface ReviewResult {
  status: 'approved' | 'disapproved';
  feedback: string | null;
}

/** The campaign-worker's activities; workflows see this interface only (`import type`). */
export interface CampaignsActivities {
  /**
   * Creates the campaign's record, keyed by its idempotency key: a repeat answers the first record.
   * The id comes from the record, never before it.
   */
  createCampaignRecord(input: { workflowId: string; input: CreateCampaignInput; at: string }): Promise<{ campaignId: string; created: boolean }>;
  /**
   * Records changes (history, row, events through the outbox) in one transaction; (campaign, seq) is
   * the key. An optimization decision also gets its row, keyed (campaign, pass, channel, action).
   */
  recordCampaignChanges(input: { view: CampaignView; changes: CampaignChange[] }): Promise<void>;
  /** Writes a channel's creatives with the LLM (schema-validated, one repair retry), heartbeating; stores them. */
  generateContent(input: { campaignId: string; channel: Channel; name: string; brief: string; count: number }): Promise<{ creatives: Creative[]; model: string }>;
  /** Publishes one creative unless its reference exists already on the platform; records the result and its event. */
  publishCreative(input: PublishRequest): Promise<PublishResult>;
  /** Polls the platform's review of a creative (heartbeating) until it decides; records the outcome and its event. */
  awaitReview(input: { campaignId: string; channel: Channel; creative: number; reference: string; externalId: string; pollSeconds: number }): Promise<ReviewResult>;
  /**
   * Sets the status and budget of a channel's live objects on its platform, one call per object
   * through the channel's limiter; an object gone from the platform is counted absent. Idempotent:
   * setting a status or a budget to a value is the same however often it is done. E-mail has no
   * live objects (nothing is set).
   */
  applyChannelSettings(input: ChannelSettingsRequest): Promise<{ updated: number; absent: number }>;
  /** Removes a creative found by its reference (compensation); records it. E-mail cannot be unsent: recorded as irreversible. */
  unpublishCreative(input: { campaignId: string; channel: Channel; creative: number; reference: string; at: string }): Promise<{ outcome: 'removed' | 'absent' | 'irreversible' }>;
  /**
   * Reads the delivery statistics (impressions, clicks, spend) of the campaign's published
   * creatives from each channel's platform, through the channel's limiter; summed per channel.
   */
  readDeliveryStats(input: { campaignId: string; channels: { channel: Channel; references: string[] }[] }): Promise<{ channels: ChannelDelivery[] }>;
  /** Aggregates one period's figures per campaign in one SQL statement, upserted per (campaign, period): a rerun writes nothing new. */
  aggregateCampaignAnalytics(input: AnalyticsPeriod): Promise<AnalyticsAggregateResult>;
}
