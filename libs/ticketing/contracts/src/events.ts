import { defineEvent } from '@fleet/shared-event-contracts';
import type { Priority, SlaClock, TicketState } from './ticket';

interface SlaEventData {
  ticketId: string;
  clock: SlaClock;
  cycle: number;
  /** 'breach', 'met', 'percent:75' or 'lead:30'. */
  threshold: string;
  /** When the threshold was due in business time, and when it fired. */
  dueAt: string;
  firedAt: string;
  policyId: string | null;
}

const event = <Data>(topic: string) =>
  defineEvent<Data>()({ type: `fleet.ticketing.${topic}` as const, domain: 'ticketing', topic, schemaVersion: 1 });

/** The ticketing domain's events, published to `persistent://fleet/ticketing/<topic>` through the outbox. */
export const ticketingEvents = {
  ticketCreated: event<{ ticketId: string; queue: string; priority: Priority; customerId: string; createdAt: string }>('ticket-created'),
  stateChanged: event<{ ticketId: string; from: TicketState; to: TicketState; at: string }>('ticket-state-changed'),
  assigned: event<{ ticketId: string; from: string | null; to: string | null; by: 'agent' | 'escalation'; at: string }>('ticket-assigned'),
  priorityChanged: event<{ ticketId: string; from: Priority; to: Priority; at: string }>('ticket-priority-changed'),
  queueChanged: event<{ ticketId: string; from: string; to: string; at: string }>('ticket-queue-changed'),
  slaWarning: event<SlaEventData>('sla-warning'),
  slaBreached: event<SlaEventData>('sla-breached'),
  slaMet: event<SlaEventData & { breached: boolean }>('sla-met'),
  escalated: event<{ ticketId: string; clock: SlaClock; cycle: number; level: number; notified: string; reassignedTo: string | null; firedAt: string }>('ticket-escalated'),
};
