import type { AddArticleInput, CreateTicketInput } from './schemas';
import type { Priority, SlaClock, TicketState, TicketView } from './ticket';

/**
 * One recorded change of a ticket. `seq` counts a ticket's changes from 1 and never repeats, across
 * continue-as-new too: the database keys on (ticket, seq), so a retried or replayed record writes nothing twice.
 */
export type TicketChange = { seq: number; at: string } & (
  | { kind: 'created'; input: CreateTicketInput }
  | { kind: 'assigned'; from: string | null; to: string | null; by: 'agent' | 'escalation' }
  | { kind: 'state'; from: TicketState; to: TicketState; pendingUntil: string | null }
  | { kind: 'priority'; from: Priority; to: Priority }
  | { kind: 'queue'; from: string; to: string }
  | { kind: 'article'; article: AddArticleInput }
  | { kind: 'policy'; policyId: string | null; version: number }
  | { kind: 'sla-cycle'; clock: SlaClock; cycle: number; targetMs: number; policyId: string | null }
  | {
      kind: 'sla';
      clock: SlaClock;
      cycle: number;
      /** warning and breached fire at a threshold; met and stopped end the cycle. */
      event: 'warning' | 'breached' | 'met' | 'stopped';
      /** 'percent:75', 'lead:30', 'breach', 'met' or 'stopped': unique per ticket, clock and cycle. */
      threshold: string;
      dueAt: string;
      breached: boolean;
      policyId: string | null;
    }
  | { kind: 'escalation'; clock: SlaClock; cycle: number; level: number; notified: string; reassignedTo: string | null }
);

export type TicketChangeKind = TicketChange['kind'];

/** A batch of changes and the ticket as it stands after them (the read model's row). */
export interface TicketChanges {
  ticket: TicketView;
  changes: TicketChange[];
}
