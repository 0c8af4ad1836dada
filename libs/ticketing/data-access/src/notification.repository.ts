import type { NotificationAttempt, NotificationChannel, NotificationRequest } from '@fleet/ticketing-contracts';
import { sql, type Kysely, type Transaction } from 'kysely';
import type { NotificationAttemptsTable, NotificationsTable, TicketingDatabase } from './schema';

type Db = Kysely<TicketingDatabase> | Transaction<TicketingDatabase>;

// Notifications: each recorded (with its Message-ID) before anything is sent, every attempt logged
// with its outcome. An attempt is written as 'sending' (and committed) before its send, then closed
// with its outcome: one left in 'sending' is a send whose outcome nobody recorded.

/** Who a notification reaches: the agent's addresses and the calendar of their working hours. */
export interface NotificationRecipient {
  agentId: string;
  email: string | null;
  phone: string | null;
  pushToken: string | null;
  calendarName: string | null;
  /** The calendar as stored (unvalidated), null without one or when the name is not in the configuration. */
  calendar: unknown;
}

export type NotificationRow = Pick<NotificationsTable, 'notification_id' | 'message_id' | 'status' | 'channel'> & { not_before: Date | null; delivered_at: Date | null };

export interface AttemptRow {
  attemptId: number;
  channel: NotificationChannel;
  outcome: NotificationAttemptsTable['outcome'];
  detail: string;
  startedAt: Date;
  finishedAt: Date | null;
  /** Whether it was started longer ago than the lease asked about (see `listAttempts`). */
  stale: boolean;
}

/** The current agent with their calendar (by the agent's calendar name), or undefined for an unknown agent. */
export async function findRecipient(db: Db, agentId: string): Promise<NotificationRecipient | undefined> {
  const row = await db
    .selectFrom('ticketing_agents as a')
    .leftJoin('ticketing_calendars as c', 'c.name', 'a.calendar_name')
    .select(['a.agent_id', 'a.email', 'a.phone', 'a.push_token', 'a.calendar_name', 'c.calendar'])
    .where('a.agent_id', '=', agentId)
    .executeTakeFirst();
  if (!row) return undefined;
  return { agentId: row.agent_id, email: row.email, phone: row.phone, pushToken: row.push_token, calendarName: row.calendar_name, calendar: row.calendar ?? null };
}

/** Records the notification as pending unless it is recorded already (a retry, a replay), and answers its row as stored. */
export async function recordNotification(db: Db, request: NotificationRequest, messageId: string): Promise<NotificationRow> {
  await db
    .insertInto('ticketing_notifications')
    .values({
      notification_id: request.notificationId,
      ticket_id: request.ticketId,
      agent_id: request.agentId,
      kind: request.kind,
      subject: request.subject,
      body: request.body,
      message_id: messageId,
      status: 'pending',
    })
    .onConflict((oc) => oc.column('notification_id').doNothing())
    .execute();
  const row = await findNotification(db, request.notificationId);
  if (!row) throw new Error(`notification ${request.notificationId} was not recorded`);
  return row;
}

export function findNotification(db: Db, notificationId: string): Promise<NotificationRow | undefined> {
  return db
    .selectFrom('ticketing_notifications')
    .select(['notification_id', 'message_id', 'status', 'channel', 'not_before', 'delivered_at'])
    .where('notification_id', '=', notificationId)
    .executeTakeFirst();
}

/** Quiet hours: the notification waits until `notBefore` (unless it was delivered meanwhile). */
export async function deferNotification(db: Db, notificationId: string, notBefore: Date): Promise<void> {
  await db
    .updateTable('ticketing_notifications')
    .set({ status: 'deferred', not_before: notBefore })
    .where('notification_id', '=', notificationId)
    .where('status', 'in', ['pending', 'deferred'])
    .execute();
}

/** Being sent (out of quiet hours, or an agent unknown before is known now); a deferred one keeps its not_before, for the record. */
export async function markNotificationPending(db: Db, notificationId: string): Promise<void> {
  await db.updateTable('ticketing_notifications').set({ status: 'pending' }).where('notification_id', '=', notificationId).where('status', 'in', ['deferred', 'undeliverable']).execute();
}

/** Marks the notification delivered by a channel; a notification delivered already keeps its first channel. */
export async function markNotificationDelivered(db: Db, notificationId: string, channel: NotificationChannel): Promise<void> {
  await db
    .updateTable('ticketing_notifications')
    .set({ status: 'delivered', channel, delivered_at: sql<Date>`now()` })
    .where('notification_id', '=', notificationId)
    .where('status', '<>', 'delivered')
    .execute();
}

export async function markNotificationUndeliverable(db: Db, notificationId: string): Promise<void> {
  await db.updateTable('ticketing_notifications').set({ status: 'undeliverable' }).where('notification_id', '=', notificationId).where('status', '<>', 'delivered').execute();
}

/**
 * Every attempt of the notification in the order they were made; `stale` tells an attempt started
 * more than `leaseMs` ago (by the database's clock): one still 'sending' then is a send whose
 * worker stopped before recording the outcome, one started since may still be in flight.
 */
export async function listAttempts(db: Db, notificationId: string, leaseMs = 0): Promise<AttemptRow[]> {
  const rows = await db
    .selectFrom('ticketing_notification_attempts')
    .select(['attempt_id', 'channel', 'outcome', 'detail', 'started_at', 'finished_at'])
    .select(sql<boolean>`started_at < now() - make_interval(secs => ${leaseMs / 1000})`.as('stale'))
    .where('notification_id', '=', notificationId)
    .orderBy('attempt_id')
    .execute();
  return rows.map((r) => ({
    attemptId: Number(r.attempt_id),
    channel: r.channel as NotificationChannel,
    outcome: r.outcome,
    detail: r.detail,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
    stale: r.stale,
  }));
}

/**
 * Opens an attempt ('sending') unless another attempt of the notification is 'sending' and younger
 * than `leaseMs`: then answers undefined (another execution is mid-send, or one that stopped has not
 * aged out yet), checked and written in one statement under a lock on the notification's row, so
 * two executions never both open one.
 */
export async function openAttempt(trx: Transaction<TicketingDatabase>, notificationId: string, channel: NotificationChannel, leaseMs: number): Promise<number | undefined> {
  await trx.selectFrom('ticketing_notifications').select('notification_id').where('notification_id', '=', notificationId).forNoKeyUpdate().execute();
  const busy = await trx
    .selectFrom('ticketing_notification_attempts')
    .select('attempt_id')
    .where('notification_id', '=', notificationId)
    .where('outcome', '=', 'sending')
    .where(sql<boolean>`started_at >= now() - make_interval(secs => ${leaseMs / 1000})`)
    .executeTakeFirst();
  if (busy) return undefined;
  const row = await trx.insertInto('ticketing_notification_attempts').values({ notification_id: notificationId, channel, outcome: 'sending' }).returning('attempt_id').executeTakeFirstOrThrow();
  return Number(row.attempt_id);
}

/** Records an attempt that was not made (no address for the channel), closed at once. */
export async function recordSkippedAttempt(db: Db, notificationId: string, channel: NotificationChannel, detail: string): Promise<void> {
  await db
    .insertInto('ticketing_notification_attempts')
    .values({ notification_id: notificationId, channel, outcome: 'skipped', detail, finished_at: sql<Date>`now()` })
    .execute();
}

/** Closes an attempt with its outcome (only once: an attempt closed already keeps its outcome). */
export async function closeAttempt(db: Db, attemptId: number, outcome: Exclude<NotificationAttempt['outcome'], 'skipped'>, detail: string): Promise<boolean> {
  const result = await db
    .updateTable('ticketing_notification_attempts')
    .set({ outcome, detail, finished_at: sql<Date>`now()` })
    .where('attempt_id', '=', String(attemptId))
    .where('outcome', '=', 'sending')
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** Writes the in-app notification (once: a retry finds it there). */
export async function insertInAppNotification(db: Db, input: { notificationId: string; agentId: string; subject: string; body: string }): Promise<void> {
  await db
    .insertInto('ticketing_in_app_notifications')
    .values({ notification_id: input.notificationId, agent_id: input.agentId, subject: input.subject, body: input.body })
    .onConflict((oc) => oc.column('notification_id').doNothing())
    .execute();
}
