import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { Channel, Creative } from './channels';
import type { CancelInput, CreateCampaignRequest, DecisionInput, OptimizationRule, PartialFailurePolicy, PauseInput, ScheduleInput, SubmitInput } from './schemas';

export const CAMPAIGN_STATES = ['draft', 'in_review', 'approved', 'rejected', 'expired', 'scheduled', 'running', 'paused', 'finished', 'cancelled', 'failed'] as const;
export type CampaignState = (typeof CAMPAIGN_STATES)[number];
/** States a campaign never leaves. */
export const TERMINAL_STATES: readonly CampaignState[] = ['rejected', 'expired', 'finished', 'cancelled', 'failed'];

/**
 * Where one creative stands on its channel. `publishing` was handed to the platform (it may exist
 * there: compensation looks it up); `failed` was refused or gave up; `skipped` never went out (the
 * campaign ended or was cancelled first).
 */
export type CreativeStatus = 'pending' | 'publishing' | 'pending_review' | 'approved' | 'disapproved' | 'failed' | 'skipped' | 'unpublished';

export interface CreativeView {
  channel: Channel;
  creative: number;
  /** `campaignId:channel:creative`, the platform's lookup key. */
  reference: string;
  status: CreativeStatus;
  externalId: string | null;
  /** The platform's review feedback of a disapproved creative. */
  feedback: string | null;
  error: string | null;
  content: Creative | null;
}

export type ChannelStatus = 'active' | 'paused' | 'auto-paused';

export interface ChannelView {
  channel: Channel;
  budget: number;
  status: ChannelStatus;
  /** Outcomes counted for auto-pause since the channel last resumed. */
  errors: number;
  outcomes: number;
  pausedReason: string | null;
}

export interface ApprovalView {
  decision: 'approved' | 'rejected' | 'expired' | null;
  by: string | null;
  reason: string | null;
  decidedAt: string | null;
  submittedBy: string | null;
  submittedAt: string | null;
  remindedAt: string | null;
  expiresAt: string | null;
}

/** A channel's delivery as its platform reports it, summed over the campaign's creatives there: cumulative since they went out. */
export interface ChannelDelivery {
  channel: Channel;
  impressions: number;
  clicks: number;
  /** In the campaign's currency. */
  spend: number;
  /** The platform objects counted. */
  objects: number;
}

export type OptimizationAction = 'pause_channel' | 'move_budget';

/** Who a channel paused by the optimization rule was paused by (`by` of its change; a person resumes it by Update). */
export const OPTIMIZER_ACTOR = 'optimizer';

/** One decision of the monitor: (campaign, pass, channel, action) is its identity. */
export interface OptimizationDecision {
  /** The monitor's pass that decided it (1, 2, ...). */
  pass: number;
  action: OptimizationAction;
  channel: Channel;
  /** For move_budget: the channel the budget went to, and how much (in the campaign's currency). */
  toChannel: Channel | null;
  amount: number | null;
  reason: string;
  /** The figures judged: the channel's delivery since it last resumed. */
  impressions: number;
  clicks: number;
}

/** The monitor of a running campaign and what its optimization rule decided. */
export interface OptimizationView {
  rule: OptimizationRule;
  /** Passes that read the statistics so far. */
  passes: number;
  lastPassAt: string | null;
  /** When the next pass is due, while the campaign runs (null while paused or once ended). */
  nextPassAt: string | null;
  /** The last reading, per channel with something published. */
  delivery: ChannelDelivery[];
  /** Every decision, oldest first, each with the time it was made. */
  decisions: (OptimizationDecision & { at: string })[];
  /** Why the last pass could not read the statistics (it decided nothing); null once a pass reads them. */
  lastError: string | null;
}

/** What every Update answers and `campaignState` returns. */
export interface CampaignView {
  workflowId: string;
  idempotencyKey: string;
  /** The record's id, known once the record exists (null only before). */
  campaignId: string | null;
  name: string;
  state: CampaignState;
  timeZone: string;
  /** Instants (ISO) of the local start and end in the campaign's time zone. */
  startAt: string;
  endAt: string;
  partialFailure: PartialFailurePolicy;
  /** The generated content is ready for review (or generation failed: `failure`). */
  contentReady: boolean;
  approval: ApprovalView;
  channels: ChannelView[];
  creatives: CreativeView[];
  /** Compensation: `order` lists the references undone, in the order they were (newest first). */
  compensation: { status: 'none' | 'running' | 'done'; unpublished: number; irreversible: number; order: string[] };
  failure: string | null;
  /** The monitor and its decisions: present when the campaign has an optimization rule. */
  optimization?: OptimizationView;
  createdAt: string;
  updatedAt: string;
  /** Recorded changes so far. */
  version: number;
}

/** One workflow per idempotency key: a repeated create finds the first. */
export function campaignWorkflowId(idempotencyKey: string): string {
  return `campaign-${idempotencyKey}`;
}

export const campaignStateQuery = defineQuery<CampaignView>('campaignState');

// Every move is an Update validated against the campaign's state (a refused one never enters
// history) that answers the new state.
export const campaignCreateUpdate = defineUpdate<CampaignView, [CreateCampaignRequest]>('campaignCreate');
export const campaignSubmitUpdate = defineUpdate<CampaignView, [SubmitInput]>('campaignSubmit');
export const campaignApproveUpdate = defineUpdate<CampaignView, [DecisionInput]>('campaignApprove');
export const campaignRejectUpdate = defineUpdate<CampaignView, [DecisionInput]>('campaignReject');
export const campaignScheduleUpdate = defineUpdate<CampaignView, [ScheduleInput]>('campaignSchedule');
export const campaignPauseUpdate = defineUpdate<CampaignView, [PauseInput]>('campaignPause');
export const campaignResumeUpdate = defineUpdate<CampaignView, [PauseInput]>('campaignResume');
export const campaignCancelUpdate = defineUpdate<CampaignView, [CancelInput]>('campaignCancel');

/** A change the workflow records (row, history, event) in order: (campaign, seq) is its key. */
export type CampaignChange =
  | { seq: number; at: string; kind: 'state'; from: CampaignState | null; to: CampaignState; by: string | null; reason: string | null }
  | { seq: number; at: string; kind: 'approval-reminder'; expiresAt: string }
  | { seq: number; at: string; kind: 'channel'; channel: Channel; status: ChannelStatus; by: string | null; reason: string | null }
  | ({ seq: number; at: string; kind: 'optimization' } & OptimizationDecision);
