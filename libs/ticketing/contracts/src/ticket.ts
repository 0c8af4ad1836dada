import type { Calendar } from '@fleet/ticketing-business-time';
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { AddArticleRequest, AssignInput, ChangePriorityInput, ChangeQueueInput, ChangeStateInput, CreateTicketRequest } from './schemas';

export const TICKET_STATES = ['new', 'open', 'pending', 'resolved', 'closed'] as const;
export type TicketState = (typeof TICKET_STATES)[number];

export const PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;
export type Priority = (typeof PRIORITIES)[number];

/** The three SLA clocks of a ticket; they run at once, each with its own target and pauses. */
export const SLA_CLOCKS = ['firstResponse', 'nextUpdate', 'solution'] as const;
export type SlaClock = (typeof SLA_CLOCKS)[number];

/**
 * Where a clock stands. `running` and `paused` belong to an open cycle; `met` ends a cycle that was
 * fulfilled (`breached` says whether it was late); `stopped` ends one that no longer applies (the
 * policy went away, the customer wrote again before the update was given).
 */
export type SlaClockStatus = 'running' | 'paused' | 'met' | 'stopped';

export interface SlaClockView {
  clock: SlaClock;
  /** 1 for the first cycle; a reopened ticket or a new customer message starts the next. */
  cycle: number;
  status: SlaClockStatus;
  /** The target in business milliseconds. */
  targetMs: number;
  /** Business time counted so far (pauses excluded). */
  elapsedMs: number;
  /** Business time left; negative once breached. */
  remainingMs: number;
  /** When the clock breaches if it keeps running; null while paused or once ended. */
  dueAt: string | null;
  paused: boolean;
  /** A warning threshold was passed. */
  warning: boolean;
  breached: boolean;
  startedAt: string;
  endedAt: string | null;
}

export interface EscalationView {
  clock: SlaClock;
  cycle: number;
  level: number;
  firedAt: string;
  notified: string;
  reassignedTo: string | null;
}

/** What every Update answers and `ticketState` returns. */
export interface TicketView {
  ticketId: string;
  queue: string;
  priority: Priority;
  state: TicketState;
  subject: string;
  customer: { id: string; email?: string | undefined; name?: string | undefined };
  assignee: string | null;
  /** The SLA rule the ticket follows, or null when none matches. */
  policyId: string | null;
  createdAt: string;
  updatedAt: string;
  /** A pending ticket's reminder time. */
  pendingUntil: string | null;
  resolvedAt: string | null;
  closedAt: string | null;
  articles: number;
  clocks: SlaClockView[];
  escalations: EscalationView[];
  /** The number of recorded changes: each Update that changed something adds one or more. */
  version: number;
  /**
   * The time the clocks were counted at: the workflow's time, which in a query is that of the
   * ticket's last activity. `ticketViewAt` brings running clocks forward to a reader's now.
   */
  asOf: string;
  /** The rule's business calendar, which `ticketViewAt` counts with (null without a rule). */
  calendar: Calendar | null;
}

/** One workflow per ticket: a repeated create finds the first. */
export function ticketWorkflowId(ticketId: string): string {
  return `ticket-${ticketId}`;
}

export const ticketStateQuery = defineQuery<TicketView>('ticketState');

// Every change is an Update that answers with the new state; its validator refuses what the ticket's
// state does not allow, so a refused change never enters history.
export const ticketCreateUpdate = defineUpdate<TicketView, [CreateTicketRequest]>('ticketCreate');
export const ticketAssignUpdate = defineUpdate<TicketView, [AssignInput]>('ticketAssign');
export const ticketChangeStateUpdate = defineUpdate<TicketView, [ChangeStateInput]>('ticketChangeState');
export const ticketChangePriorityUpdate = defineUpdate<TicketView, [ChangePriorityInput]>('ticketChangePriority');
export const ticketChangeQueueUpdate = defineUpdate<TicketView, [ChangeQueueInput]>('ticketChangeQueue');
export const ticketAddArticleUpdate = defineUpdate<TicketView, [AddArticleRequest]>('ticketAddArticle');

/** Sent by the configuration workflow when the rule a ticket follows (or could follow) changed. */
export const ticketPolicyChangedSignal = defineSignal<[{ version: number }]>('ticketPolicyChanged');
