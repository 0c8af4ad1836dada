import { defineDomain } from '@fleet/shared-domain';
import { campaignsEvents } from './events';
import { campaignsSampleStateQuery, campaignsSampleWorkflowId } from './campaigns-sample';
import { campaignsSampleInputSchema } from './schemas';

/** The campaigns domain's task queue: only the campaign-worker polls it. */
export const CAMPAIGNS_TASK_QUEUE = 'campaigns';

/** The campaigns domain, declared once: everything that lists domains reads this. */
export const campaignsDomain = defineDomain({
  name: 'campaigns',
  taskQueue: CAMPAIGNS_TASK_QUEUE,
  project: 'campaign-worker',
  timeZone: 'UTC',
  workflows: {
    sample: {
      type: 'campaignsSampleWorkflow',
      input: campaignsSampleInputSchema,
      id: (input) => campaignsSampleWorkflowId(input.sampleId),
      queries: { state: campaignsSampleStateQuery },
    },
  },
  events: campaignsEvents,
});
