import {
  ticketCreateUpdate,
  ticketingSetConfigUpdate,
  ticketWorkflowId,
  TICKETING_CONFIG_WORKFLOW_ID,
  type CreateTicketInput,
  type SlaClock,
  type SlaClockView,
  type TicketingConfigInput,
  type TicketView,
} from '@fleet/ticketing-contracts';
import { WithStartWorkflowOperation, type Client } from '@temporalio/client';

/** Sets the ticketing configuration through its workflow (started by the same call the first time). */
export async function configure(client: Client, taskQueue: string, input: TicketingConfigInput) {
  return client.workflow.executeUpdateWithStart(ticketingSetConfigUpdate, {
    args: [input],
    startWorkflowOperation: new WithStartWorkflowOperation('ticketingConfigWorkflow', { workflowId: TICKETING_CONFIG_WORKFLOW_ID, taskQueue, args: [{}], workflowIdConflictPolicy: 'USE_EXISTING' }),
  });
}

/** Creates a ticket as the API does: update-with-start, so a repeated create finds the first. */
export function createTicket(client: Client, taskQueue: string, input: CreateTicketInput) {
  return client.workflow.executeUpdateWithStart(ticketCreateUpdate, {
    args: [input],
    startWorkflowOperation: new WithStartWorkflowOperation('ticketLifecycleWorkflow', { workflowId: ticketWorkflowId(input.ticketId), taskQueue, args: [input], workflowIdConflictPolicy: 'USE_EXISTING' }),
  });
}

/** A ticket's input with defaults for what a test does not care about. */
export function ticketInput(ticketId: string, overrides: Partial<CreateTicketInput> = {}): CreateTicketInput {
  return { ticketId, queue: 'support', priority: 'normal', subject: `Ticket ${ticketId}`, body: 'help', customer: { id: 'c-1' }, ...overrides };
}

/** The latest cycle of a clock in a ticket's view; throws when the ticket has none. */
export function clockOf(view: TicketView, clock: SlaClock): SlaClockView {
  const found = view.clocks.find((c) => c.clock === clock);
  if (!found) throw new Error(`ticket ${view.ticketId} has no ${clock} clock (clocks: ${view.clocks.map((c) => c.clock).join(', ') || 'none'})`);
  return found;
}

/** A week of the same windows Monday to Friday, nothing at the weekend. */
export function weekdays(start: string, end: string) {
  const windows = [{ start, end }];
  return { mon: windows, tue: windows, wed: windows, thu: windows, fri: windows, sat: [], sun: [] };
}
