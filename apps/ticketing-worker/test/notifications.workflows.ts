/**
 * A workflow of the notifications test only (notifications.test.ts): it asks for one notification
 * and lets Temporal retry the activity as a real caller would, so transient failures are retried
 * on a real worker before the activity falls back. Workflow code: no Node built-ins, no IO.
 */
import type { NotificationRequest, NotificationResult, TicketingActivities } from '@fleet/ticketing-contracts';
import { proxyActivities } from '@temporalio/workflow';

const { deliverNotification } = proxyActivities<Pick<TicketingActivities, 'deliverNotification'>>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '200 ms', backoffCoefficient: 1, maximumAttempts: 10 },
});

export async function deliverNotificationOnce(request: NotificationRequest): Promise<NotificationResult> {
  return deliverNotification(request);
}
