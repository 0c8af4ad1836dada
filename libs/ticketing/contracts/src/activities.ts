import type { TicketingSampleInput, TicketingSampleResult } from './ticketing-sample';

/** The ticketing-worker's activities; workflows see this interface only (`import type`). */
export interface TicketingActivities {
  /** Records the sample and its event in one transaction; a repeated call records nothing twice. */
  recordSample(input: TicketingSampleInput): Promise<TicketingSampleResult>;
}
