import { parseInput } from '@fleet/shared-domain';
import { proxyActivities, setHandler } from '@temporalio/workflow';
import { ticketingDomain, ticketingSampleStateQuery, type TicketingActivities, type TicketingSampleInput, type TicketingSampleResult, type TicketingSampleState } from '@fleet/ticketing-contracts';

// A database write: retried with backoff while the database is away, for at most 10 minutes;
// bad data fails at once (the worker makes PostgreSQL data errors non-retryable).
const { recordSample } = proxyActivities<TicketingActivities>({
  startToCloseTimeout: '30 seconds',
  scheduleToCloseTimeout: '10 minutes',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds' },
});

/** The generator's sample: validates its input, records it through an activity, answers a query. */
export async function ticketingSampleWorkflow(raw: TicketingSampleInput): Promise<TicketingSampleResult> {
  const { sample } = ticketingDomain.workflows;
  const input = parseInput(sample.type, sample.input, raw);
  const state: TicketingSampleState = { sampleId: input.sampleId, phase: 'recording' };
  setHandler(ticketingSampleStateQuery, () => state);
  const result = await recordSample(input);
  state.phase = 'recorded';
  return result;
}
