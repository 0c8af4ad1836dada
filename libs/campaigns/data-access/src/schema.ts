import type { ColumnType, Generated, JSONColumnType } from 'kysely';
import type { AgentReport, CampaignChange, CampaignView, Creative, CreateCampaignInput, OptimizationAction } from '@fleet/campaigns-contracts';

type Timestamp = ColumnType<Date, Date | string, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;

export interface CampaignsTable {
  campaign_id: Generated<string>;
  idempotency_key: string;
  workflow_id: string;
  name: string;
  time_zone: string;
  /** numeric: pg returns it as a string. */
  budget_total: ColumnType<string, number | string, number | string>;
  currency: string;
  partial_failure: string;
  input: JSONColumnType<CreateCampaignInput>;
  state: Generated<string>;
  seq: Generated<number>;
  view: ColumnType<CampaignView | null, string | null | undefined, string | null>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface CampaignChangesTable {
  campaign_id: string;
  seq: number;
  kind: CampaignChange['kind'];
  data: JSONColumnType<CampaignChange>;
  at: Timestamp;
  recorded_at: Generated<Date>;
}

export interface CampaignContentsTable {
  campaign_id: string;
  channel: string;
  creative: number;
  content: JSONColumnType<Creative>;
  model: string;
  generated_at: Generated<Date>;
}

export type PublicationStatus = 'publishing' | 'pending_review' | 'approved' | 'disapproved' | 'failed' | 'unpublished' | 'sent';

export interface CampaignPublicationsTable {
  reference: string;
  campaign_id: string;
  channel: string;
  creative: number;
  external_id: string | null;
  status: PublicationStatus;
  feedback: string | null;
  published_at: NullableTimestamp;
  reviewed_at: NullableTimestamp;
  unpublished_at: NullableTimestamp;
  updated_at: Generated<Date>;
}

export interface CampaignChannelLimitsTable {
  channel: string;
  next_slot: Generated<Date>;
  not_before: Generated<Date>;
  refusals: Generated<number>;
  last_refusal: string | null;
  /** The rate the platform announces (x-ratelimit-rate, calls per second), once an answer told it. */
  platform_rate: number | null;
}

/** One agent call (an activity attempt) of an agent workflow. */
export interface CampaignAgentRunsTable {
  id: Generated<string>;
  workflow_id: string;
  run_id: string;
  workflow_type: string;
  activity_id: string;
  attempt: number;
  agent: string;
  model: string;
  /** `ok`, `repaired`, `invalid_output` or `error`. */
  outcome: string;
  prompt_tokens: number;
  completion_tokens: number;
  latency_ms: number;
  /** numeric: pg returns it as a string. */
  cost_usd: ColumnType<string, number | string, number | string>;
  llm_attempts: number;
  error: string | null;
  started_at: Timestamp;
  finished_at: Generated<Date>;
}

/** A stored agent report, as Markdown and JSON. */
export interface CampaignReportsTable {
  report_id: string;
  kind: string;
  domain: string;
  markdown: string;
  json: JSONColumnType<AgentReport>;
  created_at: Generated<Date>;
}

/** One campaign's figures for one period (a local day or ISO week), keyed (campaign, kind, start). */
export interface CampaignAnalyticsTable {
  campaign_id: string;
  period_kind: 'day' | 'week';
  /** date: returned as 'YYYY-MM-DD' text by the query that reads it. */
  period_start: ColumnType<string, string, string>;
  period_end: ColumnType<string, string, string>;
  time_zone: string;
  changes: number;
  publications_published: number;
  publications_approved: number;
  publications_disapproved: number;
  publications_failed: number;
  publications_removed: number;
  /** 1 when inserted, +1 each time a rerun found different figures. */
  revision: Generated<number>;
  computed_at: Generated<Date>;
}

/** One decision of a running campaign's monitor, keyed (campaign, pass, channel, action). */
export interface CampaignOptimizationDecisionsTable {
  campaign_id: string;
  pass: number;
  channel: string;
  action: OptimizationAction;
  to_channel: string | null;
  /** numeric: pg returns it as a string. */
  amount: ColumnType<string | null, number | string | null, number | string | null>;
  reason: string;
  /** bigint: pg returns it as a string. */
  impressions: ColumnType<string, number | string, number | string>;
  clicks: ColumnType<string, number | string, number | string>;
  seq: number;
  decided_at: Timestamp;
  recorded_at: Generated<Date>;
}

/** The campaign-worker's database (its own). */
export interface CampaignsDatabase {
  campaigns: CampaignsTable;
  campaign_changes: CampaignChangesTable;
  campaign_contents: CampaignContentsTable;
  campaign_publications: CampaignPublicationsTable;
  campaign_channel_limits: CampaignChannelLimitsTable;
  campaign_agent_runs: CampaignAgentRunsTable;
  campaign_reports: CampaignReportsTable;
  campaign_analytics: CampaignAnalyticsTable;
  campaign_optimization_decisions: CampaignOptimizationDecisionsTable;
}
