// The workflow bundle's entry point: every workflow the ticketing-worker runs.
export { ticketingSampleWorkflow } from './ticketing-sample.workflow';
