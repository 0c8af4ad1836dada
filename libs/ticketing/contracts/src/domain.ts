import { defineDomain } from '@fleet/shared-domain';
import { z } from 'zod';
import { ticketingEvents } from './events';
import { createTicketInputSchema } from './schemas';
import { TICKET_LIFECYCLE_WORKFLOW, TICKET_SEARCH_ATTRIBUTES, TICKETING_CONFIG_WORKFLOW, TICKETING_TASK_QUEUE } from './search-attributes';
import {
  ticketAddArticleUpdate,
  ticketAssignUpdate,
  ticketChangePriorityUpdate,
  ticketChangeQueueUpdate,
  ticketChangeStateUpdate,
  ticketCreateUpdate,
  ticketStateQuery,
  ticketWorkflowId,
} from './ticket';
import { TICKETING_CONFIG_WORKFLOW_ID, ticketingConfigStateQuery, ticketingSetConfigUpdate } from './ticketing-config';

/** Tickets: one entity workflow each, SLA clocks in business time, escalation ladders, notifications with fallback. */
export const ticketingDomain = defineDomain({
  name: 'ticketing',
  namePrefix: 'ticket',
  taskQueue: TICKETING_TASK_QUEUE,
  project: 'ticketing-worker',
  timeZone: 'UTC',
  workflows: {
    lifecycle: {
      type: TICKET_LIFECYCLE_WORKFLOW,
      input: createTicketInputSchema,
      id: (input) => ticketWorkflowId(input.ticketId),
      queries: { state: ticketStateQuery },
      updates: {
        create: ticketCreateUpdate,
        assign: ticketAssignUpdate,
        changeState: ticketChangeStateUpdate,
        changePriority: ticketChangePriorityUpdate,
        changeQueue: ticketChangeQueueUpdate,
        addArticle: ticketAddArticleUpdate,
      },
    },
    config: {
      type: TICKETING_CONFIG_WORKFLOW,
      input: z.object({}).strict(),
      id: () => TICKETING_CONFIG_WORKFLOW_ID,
      queries: { state: ticketingConfigStateQuery },
      updates: { set: ticketingSetConfigUpdate },
    },
  },
  events: ticketingEvents,
  searchAttributes: TICKET_SEARCH_ATTRIBUTES,
});
