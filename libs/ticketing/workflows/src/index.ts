// The workflow bundle's entry point: every workflow the ticketing-worker runs.
export { ticketLifecycleWorkflow } from './ticket-lifecycle.workflow';
export { ticketingConfigWorkflow } from './ticketing-config.workflow';
