/** The channels a notification may take, in the order they are tried. */
export const NOTIFICATION_CHANNELS = ['email', 'sms', 'push', 'in-app'] as const;
export type NotificationChannel = (typeof NOTIFICATION_CHANNELS)[number];

/** A notification the workflow asks for; its id is deterministic, so a retry or a replay asks for the same one. */
export interface NotificationRequest {
  /** `<ticketId>/<what>`, e.g. `T-1/escalation/solution/1/2`: unique per ticket and occasion. */
  notificationId: string;
  ticketId: string;
  /** The agent to reach (an id of the configuration's agents). */
  agentId: string;
  kind: 'escalation' | 'sla-warning' | 'sla-breached' | 'pending-reminder';
  subject: string;
  body: string;
}

export interface NotificationAttempt {
  channel: NotificationChannel;
  outcome: 'delivered' | 'refused' | 'failed' | 'skipped';
  detail: string;
  at: string;
}

/**
 * Delivered names the channel that took it; deferred means the recipient is in quiet hours (outside
 * their calendar) and the workflow asks again at `notBefore`.
 */
export type NotificationResult =
  | { status: 'delivered'; notificationId: string; channel: NotificationChannel; messageId: string; attempts: NotificationAttempt[] }
  | { status: 'deferred'; notificationId: string; notBefore: string }
  | { status: 'undeliverable'; notificationId: string; reason: string; attempts: NotificationAttempt[] };
