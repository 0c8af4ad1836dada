import type { TicketingActivities } from '@fleet/ticketing-contracts';
import { createConfigActivities } from './config.activities';
import { createNotificationActivities, type NotificationChannels } from './notification.activities';
import { createTicketActivities } from './ticket.activities';
import type { TicketingActivityDeps } from './deps';

export type { TicketingActivityDeps } from './deps';
export type { NotificationChannels } from './notification.activities';

/**
 * The ticketing-worker's activities, built from their dependencies so the worker and the tests wire
 * them the same way; `release` closes what the channels hold (the SMTP connection pool).
 */
export function createTicketingActivities(deps: TicketingActivityDeps & { channels: NotificationChannels }): { activities: TicketingActivities; release: () => Promise<void> } {
  const notifications = createNotificationActivities(deps, deps.channels);
  return {
    activities: { ...createTicketActivities(deps), ...createConfigActivities(deps), ...notifications.activities },
    release: notifications.release,
  };
}
