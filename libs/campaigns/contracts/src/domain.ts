import { defineDomain } from '@fleet/shared-domain';
import { campaignCancelUpdate, campaignApproveUpdate, campaignCreateUpdate, campaignPauseUpdate, campaignRejectUpdate, campaignResumeUpdate, campaignScheduleUpdate, campaignStateQuery, campaignSubmitUpdate, campaignWorkflowId } from './campaign';
import { CAMPAIGNS_AI_TASK_QUEUE, CAMPAIGNS_TASK_QUEUE, CHANNELS, publishTaskQueue } from './channels';
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
  },
  events: campaignsEvents,
});
