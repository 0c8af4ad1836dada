import type { TicketChanges } from './changes';
import type { NotificationRequest, NotificationResult } from './notifications';
import type { ResolvedPolicy, TicketingConfig } from './policy';
import type { Priority } from './ticket';

/** The ticketing-worker's activities; workflows see this interface only (`import type`). */
export interface TicketingActivities {
  /**
   * Records changes, the ticket's row and each change's event (outbox) in one transaction. Keyed on
   * (ticket, seq) and, for SLA events and escalations, on (ticket, clock, cycle, threshold or level):
   * a retry records nothing twice.
   */
  recordTicketChanges(input: TicketChanges): Promise<void>;
  /** The rule a queue and priority follow now (first enabled match), with its calendar, and the lifecycle waits. */
  resolvePolicy(input: { queue: string; priority: Priority }): Promise<ResolvedPolicy>;
  /**
   * Records the notification (with its deterministic Message-ID) before sending it, then tries e-mail,
   * SMS, push and in-app in turn. A permanent refusal falls through at once; a transient one fails
   * the attempt so Temporal retries it, and falls through after a few. Every attempt is recorded; a
   * delivered notification is never sent again.
   */
  deliverNotification(input: NotificationRequest): Promise<NotificationResult>;
  /** Stores a configuration as the next version; answers it and the tickets that may follow another rule now. */
  saveConfig(input: { config: TicketingConfig }): Promise<{ version: number; tickets: string[] }>;
}
