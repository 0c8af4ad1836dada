import { defineSearchAttributeKey } from '@temporalio/common';

/** The ticketing domain's task queue: only the ticketing-worker polls it. */
export const TICKETING_TASK_QUEUE = 'ticketing';

/** The workflow types of the domain (its manifest, `ticketingDomain`, names them too). */
export const TICKET_LIFECYCLE_WORKFLOW = 'ticketLifecycleWorkflow';
export const TICKETING_CONFIG_WORKFLOW = 'ticketingConfigWorkflow';

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
