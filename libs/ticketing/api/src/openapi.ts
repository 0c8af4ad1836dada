import { jsonSchemaOf, operation, type OpenApiFragment } from '@fleet/shared-http';
import {
  addArticleInputSchema,
  assignInputSchema,
  changePriorityInputSchema,
  changeQueueInputSchema,
  changeStateInputSchema,
  createTicketInputSchema,
  ticketingConfigSchema,
  ticketingDomain,
} from '@fleet/ticketing-contracts';
import { breachingListSchema, breachingQuery, configStateSchema, slaStatusSchema, ticketViewSchema } from './schemas';

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const { read, write } = ticketingDomain.scopes;
const tags = ['ticketing'];
const ticketId = { ticketId: "The ticket's id (letters, digits and . _ : -)" };
const ticket = { '200': { description: 'The ticket as it is now', schema: ref('Ticket') } };
const refused = { '409': 'The change is refused (the reason says why: the ticket\'s state does not allow it, or the ticket is closed); nothing was changed' };
// Clients and fuzzers (Schemathesis's stateful phase) follow these from a created ticket with its real id.
const ticketLinks = {
  GetTicket: { operationId: 'getTicket', parameters: { ticketId: '$response.body#/ticketId' } },
  GetTicketSla: { operationId: 'getTicketSla', parameters: { ticketId: '$response.body#/ticketId' } },
  GetQueueBreachingTickets: { operationId: 'listBreachingTickets', parameters: { queue: '$response.body#/queue' } },
};

/** One Update of a ticket as a route. */
const change = (operationId: string, summary: string, body: string) =>
  operation({ operationId, summary, scope: write, tags, path: ticketId, body: { schema: ref(body), required: true }, responses: ticket, problems: refused });

/** The ticketing API's part of the OpenAPI document, generated from the zod schemas the routes and workflows validate with. */
export const ticketingOpenApi: OpenApiFragment = {
  components: {
    schemas: {
      TicketCreateRequest: jsonSchemaOf(createTicketInputSchema),
      TicketAssignRequest: jsonSchemaOf(assignInputSchema),
      TicketChangeStateRequest: jsonSchemaOf(changeStateInputSchema),
      TicketChangePriorityRequest: jsonSchemaOf(changePriorityInputSchema),
      TicketChangeQueueRequest: jsonSchemaOf(changeQueueInputSchema),
      TicketArticleRequest: jsonSchemaOf(addArticleInputSchema),
      Ticket: jsonSchemaOf(ticketViewSchema),
      TicketSlaStatus: jsonSchemaOf(slaStatusSchema),
      TicketBreachingList: jsonSchemaOf(breachingListSchema),
      TicketingConfigRequest: jsonSchemaOf(ticketingConfigSchema),
      TicketingConfigState: jsonSchemaOf(configStateSchema),
    },
  },
  paths: {
    '/ticketing/tickets': {
      post: operation({
        operationId: 'createTicket',
        summary: 'Create a ticket; creating it again while it is open answers the same ticket and changes nothing',
        scope: write,
        tags,
        body: { schema: ref('TicketCreateRequest'), required: true },
        responses: {
          '200': {
            description: 'The ticket (created now, or the open ticket of that id)',
            schema: ref('Ticket'),
            headers: { Location: { description: 'Where the ticket is read', schema: { type: 'string' } } },
            links: ticketLinks,
          },
        },
        problems: { '409': 'A closed ticket of that id exists (ids are not reused), or the ticket refused the create' },
      }),
    },
    '/ticketing/tickets/{ticketId}': {
      get: operation({
        operationId: 'getTicket',
        summary: 'A ticket: state, assignee, every SLA clock and escalation (a closed ticket too)',
        scope: read,
        tags,
        path: ticketId,
        responses: ticket,
      }),
    },
    '/ticketing/tickets/{ticketId}/sla': {
      get: operation({
        operationId: 'getTicketSla',
        summary: "A ticket's SLA status: each clock's due time, elapsed and remaining business time, pause, warning and breach",
        scope: read,
        tags,
        path: ticketId,
        responses: { '200': { description: 'Its SLA clocks', schema: ref('TicketSlaStatus') } },
      }),
    },
    '/ticketing/tickets/{ticketId}/assign': { post: change('assignTicket', 'Assign the ticket to an agent, or unassign it (null)', 'TicketAssignRequest') },
    '/ticketing/tickets/{ticketId}/change-state': {
      post: change('changeTicketState', 'Move the ticket to another state (pending needs its reminder time); a refused transition is a 409', 'TicketChangeStateRequest'),
    },
    '/ticketing/tickets/{ticketId}/change-priority': {
      post: change('changeTicketPriority', 'Change the priority: the SLA clocks keep their elapsed time and are re-targeted', 'TicketChangePriorityRequest'),
    },
    '/ticketing/tickets/{ticketId}/change-queue': {
      post: change('changeTicketQueue', 'Move the ticket to another queue: the SLA clocks keep their elapsed time and are re-targeted', 'TicketChangeQueueRequest'),
    },
    '/ticketing/tickets/{ticketId}/articles': {
      post: change('addTicketArticle', "Add a customer or agent message (an agent's reply is the response the clocks wait for); the same article id again changes nothing", 'TicketArticleRequest'),
    },
    '/ticketing/queues/{queue}/breaching': {
      get: operation({
        operationId: 'listBreachingTickets',
        summary: "A queue's open tickets with a breached SLA clock, a page at a time (from Temporal's visibility: a second or so behind)",
        scope: read,
        tags,
        path: { queue: "The queue's id" },
        query: breachingQuery,
        responses: { '200': { description: 'A page of breaching tickets', schema: ref('TicketBreachingList') } },
      }),
    },
    '/ticketing/config': {
      get: operation({
        operationId: 'getTicketingConfig',
        summary: "The configuration's version and how many open tickets were told of it (version 0 before the first)",
        scope: read,
        tags,
        responses: { '200': { description: 'The configuration state', schema: ref('TicketingConfigState') } },
      }),
      put: operation({
        operationId: 'setTicketingConfig',
        summary: 'Replace the configuration (calendars, SLA rules in order, agents, lifecycle waits): stored as the next version, then every open ticket looks up its rule again',
        scope: write,
        tags,
        body: { schema: ref('TicketingConfigRequest'), required: true },
        responses: { '200': { description: 'Stored; the configuration state', schema: ref('TicketingConfigState') } },
        problems: { '409': 'The configuration workflow refused it (the reason says why)' },
      }),
    },
  },
};
