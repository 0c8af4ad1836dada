import { idSchema } from '@fleet/shared-domain';
import {
  PRIORITIES,
  SLA_CLOCKS,
  TICKET_STATES,
  type EscalationView,
  type SlaClockView,
  type TicketingConfigState,
  type TicketView,
} from '@fleet/ticketing-contracts';
import { z } from 'zod';

/**
 * The ticketing API's parameters and answers, in zod: the routes validate with them and the OpenAPI
 * fragment is generated from them (request bodies are the contracts' own input schemas).
 */

/** `{ticketId}` of a path: the ticket's own id (the workflow id is `ticket-<ticketId>`). */
export const ticketPathSchema = z.object({ ticketId: idSchema(64) });

/** `{queue}` of a path: a queue's id, the same rule as a ticket's queue. */
export const queuePathSchema = z.object({ queue: idSchema(64) });

/** `?limit=&nextPageToken=` of the breaching list. */
export const breachingQuery = z
  .object({
    limit: z.coerce
      .number({ message: 'expected a number' })
      .int('expected an integer')
      .min(1)
      .max(100)
      .default(50)
      .meta({ description: 'How many tickets a page holds (at most 100)' }),
    nextPageToken: z
      .string()
      .min(1, 'must not be empty')
      .max(4096, 'at most 4096 characters')
      .regex(/^[A-Za-z0-9_-]+$/, 'expected the nextPageToken of a previous page')
      .optional()
      .meta({ description: 'The nextPageToken of the previous page' }),
  })
  .strict();

const instant = z.string().meta({ format: 'date-time' });

const slaClockSchema = z.object({
  clock: z.enum(SLA_CLOCKS),
  cycle: z.number().int().min(1),
  status: z.enum(['running', 'paused', 'met', 'stopped']),
  targetMs: z.number().min(0).meta({ description: 'The target in business milliseconds' }),
  elapsedMs: z.number().min(0).meta({ description: 'Business time counted so far (pauses excluded)' }),
  remainingMs: z.number().meta({ description: 'Business time left; negative once breached' }),
  dueAt: instant.nullable().meta({ description: 'When the clock breaches if it keeps running; null while paused or once ended' }),
  paused: z.boolean(),
  warning: z.boolean().meta({ description: 'A warning threshold was passed' }),
  breached: z.boolean(),
  startedAt: instant,
  endedAt: instant.nullable(),
});

const escalationSchema = z.object({
  clock: z.enum(SLA_CLOCKS),
  cycle: z.number().int().min(1),
  level: z.number().int().min(1),
  firedAt: instant,
  notified: z.string(),
  reassignedTo: z.string().nullable(),
});

/** A ticket as every Update answers and its query returns. */
export const ticketViewSchema = z.object({
  ticketId: z.string(),
  queue: z.string(),
  priority: z.enum(PRIORITIES),
  state: z.enum(TICKET_STATES),
  subject: z.string(),
  customer: z.object({ id: z.string(), email: z.string().optional(), name: z.string().optional() }),
  assignee: z.string().nullable(),
  policyId: z.string().nullable().meta({ description: 'The SLA rule the ticket follows; null when none matches' }),
  createdAt: instant,
  updatedAt: instant,
  pendingUntil: instant.nullable().meta({ description: "A pending ticket's reminder time" }),
  resolvedAt: instant.nullable(),
  closedAt: instant.nullable(),
  articles: z.number().int().min(0),
  clocks: z.array(slaClockSchema),
  escalations: z.array(escalationSchema),
  version: z.number().int().min(0).meta({ description: 'The number of recorded changes' }),
  asOf: instant.meta({ description: 'The time the clocks were counted at (the time of the answer)' }),
});

/** A ticket's SLA status: its rule and every clock (due, elapsed and remaining business time, paused, warning, breach). */
export const slaStatusSchema = z.object({
  ticketId: z.string(),
  state: z.enum(TICKET_STATES),
  policyId: z.string().nullable(),
  clocks: z.array(slaClockSchema),
  escalations: z.array(escalationSchema),
});

/** One breaching ticket, from its search attributes (no call to its workflow). */
export const breachingTicketSchema = z.object({
  ticketId: z.string(),
  workflowId: z.string(),
  priority: z.string().nullable(),
  state: z.string().nullable(),
  slaDueAt: instant.nullable().meta({ description: 'The earliest due time of its running clocks, as the workflow last recorded it' }),
  startTime: instant,
});

export const breachingListSchema = z.object({
  queue: z.string(),
  tickets: z.array(breachingTicketSchema),
  nextPageToken: z.string().nullable().meta({ description: 'Pass it back for the next page; null on the last page' }),
});

export const configStateSchema = z.object({
  version: z.number().int().min(0).meta({ description: '0 before the first configuration' }),
  notified: z.number().int().min(0).meta({ description: 'Open tickets told of the latest version so far' }),
  toNotify: z.number().int().min(0).meta({ description: 'Open tickets to tell of the latest version' }),
});

// The answers' schemas say what the workflows return: a change to one of their types that the
// schema does not follow fails the typecheck.
/** A ticket as the API shows it: counted up to the answer's time, without the rule's calendar. */
export type PublicTicketView = Omit<TicketView, 'calendar'>;

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const _clock: Same<z.output<typeof slaClockSchema>, SlaClockView> = true;
const _escalation: Same<z.output<typeof escalationSchema>, EscalationView> = true;
const _ticket: Same<z.output<typeof ticketViewSchema>, PublicTicketView> = true;
const _config: Same<z.output<typeof configStateSchema>, TicketingConfigState> = true;
