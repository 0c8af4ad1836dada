import { defineDomain } from '@fleet/shared-domain';
import { defineSearchAttributeKey } from '@temporalio/common';
import { z } from 'zod';
import { ticketingEvents } from './events';
import { createTicketInputSchema } from './schemas';
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

/** The ticketing domain's task queue: only the ticketing-worker polls it. */
export const TICKETING_TASK_QUEUE = 'ticketing';

/** Search attributes each ticket keeps current, so a queue's breaching tickets are one visibility query. */
export const TICKET_SEARCH_ATTRIBUTES = {
  TicketQueue: 'Keyword',
  TicketState: 'Keyword',
  TicketPriority: 'Keyword',
  TicketSlaBreached: 'Bool',
  TicketSlaDueAt: 'Datetime',
} as const;

/**
 * Their typed keys. A start that sets them says the namespace has them, so the workflow keeps them
 * current; a workflow started without them (a namespace without the attributes) never upserts.
 */
export const ticketSearchAttributes = {
  queue: defineSearchAttributeKey('TicketQueue', 'KEYWORD'),
  state: defineSearchAttributeKey('TicketState', 'KEYWORD'),
  priority: defineSearchAttributeKey('TicketPriority', 'KEYWORD'),
  slaBreached: defineSearchAttributeKey('TicketSlaBreached', 'BOOL'),
  slaDueAt: defineSearchAttributeKey('TicketSlaDueAt', 'DATETIME'),
};

/** Tickets: one entity workflow each, SLA clocks in business time, escalation ladders, notifications with fallback. */
export const ticketingDomain = defineDomain({
  name: 'ticketing',
  namePrefix: 'ticket',
  taskQueue: TICKETING_TASK_QUEUE,
  project: 'ticketing-worker',
  timeZone: 'UTC',
  workflows: {
    lifecycle: {
      type: 'ticketLifecycleWorkflow',
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
      type: 'ticketingConfigWorkflow',
      input: z.object({}).strict(),
      id: () => TICKETING_CONFIG_WORKFLOW_ID,
      queries: { state: ticketingConfigStateQuery },
      updates: { set: ticketingSetConfigUpdate },
    },
  },
  events: ticketingEvents,
  searchAttributes: TICKET_SEARCH_ATTRIBUTES,
});
