import { defineDomain } from '@fleet/shared-domain';
import { ticketingEvents } from './events';
import { ticketingSampleStateQuery, ticketingSampleWorkflowId } from './ticketing-sample';
import { ticketingSampleInputSchema } from './schemas';

/** The ticketing domain's task queue: only the ticketing-worker polls it. */
export const TICKETING_TASK_QUEUE = 'ticketing';

/** The ticketing domain, declared once: everything that lists domains reads this. */
export const ticketingDomain = defineDomain({
  name: 'ticketing',
  taskQueue: TICKETING_TASK_QUEUE,
  project: 'ticketing-worker',
  timeZone: 'UTC',
  workflows: {
    sample: {
      type: 'ticketingSampleWorkflow',
      input: ticketingSampleInputSchema,
      id: (input) => ticketingSampleWorkflowId(input.sampleId),
      queries: { state: ticketingSampleStateQuery },
    },
  },
  events: ticketingEvents,
});
