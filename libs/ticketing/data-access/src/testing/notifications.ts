import { sql, type Kysely } from 'kysely';
import type { TicketingDatabase } from '../schema';

/** A notification's row, or undefined. */
export function readNotification(db: Kysely<TicketingDatabase>, notificationId: string) {
  return db.selectFrom('ticketing_notifications').selectAll().where('notification_id', '=', notificationId).executeTakeFirst();
}

/** A notification's attempts, in the order they were made. */
export function readNotificationAttempts(db: Kysely<TicketingDatabase>, notificationId: string) {
  return db
    .selectFrom('ticketing_notification_attempts')
    .select(['channel', 'outcome', 'detail', 'started_at', 'finished_at'])
    .where('notification_id', '=', notificationId)
    .orderBy('attempt_id')
    .execute();
}

/** An agent's in-app notifications. */
export function readInAppNotifications(db: Kysely<TicketingDatabase>, agentId: string) {
  return db.selectFrom('ticketing_in_app_notifications').selectAll().where('agent_id', '=', agentId).orderBy('created_at').execute();
}

/**
 * What a worker killed mid-send leaves: an attempt of the channel still 'sending', started `agoMs`
 * ago (the notification recorded before, as the activity records it). For crash tests.
 */
export async function insertInterruptedAttempt(db: Kysely<TicketingDatabase>, notificationId: string, channel: string, agoMs: number): Promise<void> {
  await db
    .insertInto('ticketing_notification_attempts')
    .values({ notification_id: notificationId, channel, outcome: 'sending', started_at: sql<Date>`now() - make_interval(secs => ${agoMs / 1000})` })
    .execute();
}
