/**
 * `@fleet/ticketing-contracts/workflow`: what the ticketing workflows take from the contracts at run
 * time. Workflow bundles preload it (`fleet.preloadModules` of libs/ticketing/workflows): evaluated
 * once per worker, shared by every workflow run and deep-frozen by the SDK. So everything here and
 * everything it imports exports functions, definitions and plain constants only, never a zod schema
 * (a frozen schema cannot parse): input is validated by `./workflow-validators`, whose schemas stay in
 * its own scope. Types come from the package root (`import type`), which workflow code must not
 * import values from: each run would evaluate zod and every schema again.
 */
export {
  PRIORITIES,
  SLA_CLOCKS,
  TICKET_STATES,
  ticketAddArticleUpdate,
  ticketAssignUpdate,
  ticketChangePriorityUpdate,
  ticketChangeQueueUpdate,
  ticketChangeStateUpdate,
  ticketCreateUpdate,
  ticketPolicyChangedSignal,
  ticketStateQuery,
  ticketWorkflowId,
} from './ticket';
export { TICKETING_CONFIG_WORKFLOW_ID, ticketingConfigStateQuery, ticketingSetConfigUpdate } from './ticketing-config';
export { TICKET_LIFECYCLE_WORKFLOW, TICKET_SEARCH_ATTRIBUTES, TICKETING_CONFIG_WORKFLOW, TICKETING_TASK_QUEUE, ticketSearchAttributes } from './search-attributes';
export { matchRule, pausesClock } from './policy-rules';
export { NOTIFICATION_CHANNELS } from './notifications';
export { checkWorkflowInput, parseConfigWorkflowInput, parseTicketWorkflowInput, parseWorkflowInput, type WorkflowInput, type WorkflowInputKind } from './workflow-validators';
