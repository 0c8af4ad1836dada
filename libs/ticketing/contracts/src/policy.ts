import type { Calendar } from '@fleet/ticketing-business-time';
import type { z } from 'zod';
import { ticketingConfigSchemas } from './policy-schemas';

const schemas = ticketingConfigSchemas();

/** Who a level notifies: the ticket's assignee, or a named agent (a team lead, a manager). */
export type Recipient = z.output<typeof schemas.recipientSchema>;
/** One level of an escalation ladder: fired once per clock cycle, `afterMinutes` (wall clock) after its trigger. */
export type EscalationLevel = z.output<typeof schemas.escalationLevelSchema>;

/** An SLA rule: which tickets (queue and priority; empty matches all), its calendar, targets, warnings, pauses and ladder. */
export const slaRuleSchema = schemas.slaRuleSchema;
export type SlaRule = z.output<typeof slaRuleSchema>;

export type Agent = z.output<typeof schemas.agentSchema>;

/**
 * The ticketing configuration: calendars, SLA rules in order (the first enabled rule that matches a
 * ticket's queue and priority wins), the agents notifications reach, and lifecycle waits.
 */
export const ticketingConfigSchema = schemas.ticketingConfigSchema;
export type TicketingConfigInput = z.input<typeof ticketingConfigSchema>;
export type TicketingConfig = z.output<typeof ticketingConfigSchema>;

/** What a ticket follows: its rule with the calendar resolved, and the lifecycle waits. */
export interface ResolvedPolicy {
  /** The configuration version it was resolved from. */
  version: number;
  rule: (Omit<SlaRule, 'calendar'> & { calendarName: string; calendar: Calendar }) | null;
  lifecycle: TicketingConfig['lifecycle'];
}

export { matchRule, pausesClock } from './policy-rules';
