export { createTicketingActivities, type TicketingActivityDeps } from './sample.activities';
