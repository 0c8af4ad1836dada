import { defineDomain } from '@fleet/shared-domain';
import { auditInputSchema, campaignAgentProgressQuery, campaignAuditWorkflowId, campaignContentPipelineWorkflowId, campaignReportWorkflowId, campaignSeoAnalysisWorkflowId, contentPipelineInputSchema, reportInputSchema, seoAnalysisInputSchema } from './agents';
import { campaignCancelUpdate, campaignApproveUpdate, campaignCreateUpdate, campaignPauseUpdate, campaignRejectUpdate, campaignResumeUpdate, campaignScheduleUpdate, campaignStateQuery, campaignSubmitUpdate, campaignWorkflowId } from './campaign';
import { CAMPAIGNS_AI_TASK_QUEUE, CAMPAIGNS_TASK_QUEUE, CHANNELS, publishTaskQueue } from './channels';
import { analyticsInputSchema, campaignAnalyticsWorkflowId } from './analytics';
import { campaignsEvents } from './events';
import { createCampaignInputSchema } from './schemas';

/** Campaigns as sagas over rate-limited channels. */
export const campaignsDomain = defineDomain({
  name: 'campaigns',
  namePrefix: 'campaign',
  taskQueue: CAMPAIGNS_TASK_QUEUE,
  taskQueues: [CAMPAIGNS_TASK_QUEUE, CAMPAIGNS_AI_TASK_QUEUE, ...CHANNELS.map(publishTaskQueue)],
  project: 'campaign-worker',
  timeZone: 'UTC',
  workflows: {
    campaign: {
      type: 'campaignWorkflow',
      input: createCampaignInputSchema,
      id: (input) => campaignWorkflowId(input.idempotencyKey),
      queries: { state: campaignStateQuery },
      updates: {
        create: campaignCreateUpdate,
        submit: campaignSubmitUpdate,
        approve: campaignApproveUpdate,
        reject: campaignRejectUpdate,
        schedule: campaignScheduleUpdate,
        pause: campaignPauseUpdate,
        resume: campaignResumeUpdate,
        cancel: campaignCancelUpdate,
      },
    },
    // The AI agent workflows (their agents run on campaigns-ai); the digitalPresenceAuditWorkflow is campaignAuditWorkflow (the kit's prefix rule).
    audit: { type: 'campaignAuditWorkflow', input: auditInputSchema, id: (input) => campaignAuditWorkflowId(input), queries: { progress: campaignAgentProgressQuery } },
    contentPipeline: { type: 'campaignContentPipelineWorkflow', input: contentPipelineInputSchema, id: (input) => campaignContentPipelineWorkflowId(input), queries: { progress: campaignAgentProgressQuery } },
    seoAnalysis: { type: 'campaignSeoAnalysisWorkflow', input: seoAnalysisInputSchema, id: (input) => campaignSeoAnalysisWorkflowId(input), queries: { progress: campaignAgentProgressQuery } },
    report: { type: 'campaignReportWorkflow', input: reportInputSchema, id: (input) => campaignReportWorkflowId(input), queries: { progress: campaignAgentProgressQuery } },
    // Daily and weekly per-campaign figures, run by the schedules in apps/campaign-worker/workflows.yaml (or by hand with a period).
    analytics: { type: 'campaignAnalyticsWorkflow', input: analyticsInputSchema, id: (input) => campaignAnalyticsWorkflowId(input) },
  },
  events: campaignsEvents,
});
