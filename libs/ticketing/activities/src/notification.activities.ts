import { createHash } from 'node:crypto';
import { NOTIFICATION_CHANNELS, type NotificationAttempt, type NotificationChannel, type NotificationRequest, type NotificationResult, type TicketingActivities } from '@fleet/ticketing-contracts';
import {
  closeAttempt,
  deferNotification,
  findRecipient,
  insertInAppNotification,
  listAttempts,
  markNotificationDelivered,
  markNotificationPending,
  markNotificationUndeliverable,
  openAttempt,
  recordNotification,
  recordSkippedAttempt,
  type AttemptRow,
  type NotificationRecipient,
} from '@fleet/ticketing-data-access';
import { ApplicationFailure } from '@temporalio/common';
import { createNotifyChannel } from './channels/notify';
import type { SendOutcome } from './channels/outcome';
import { quietUntil } from './channels/quiet-hours';
import { createSmtpChannel } from './channels/smtp';
import type { TicketingActivityDeps } from './deps';

/** Where notifications go: SMTP first, then the SMS/push provider, then in-app (PostgreSQL). */
export interface NotificationChannels {
  smtp: { host: string; port: number; from: string };
  /** The SMS/push provider's base URL (locally apps/notify-sim). */
  notifyUrl: string;
  /** Transient failures of a channel before the notification falls back to the next one. */
  transientAttempts: number;
  /**
   * The longest one send may take (30 s by default). An attempt left 'sending' longer than this and
   * a margin is taken for one whose worker stopped mid-send; until then a retry waits for it.
   */
  sendTimeoutMs?: number;
}

/** The error type of a transient failure: the activity is retried and tries the channel again. */
export const NOTIFICATION_TRANSIENT_FAILURE = 'NotificationTransientFailure';
/** The error type when another execution of the same notification is mid-send: retried. */
export const NOTIFICATION_IN_FLIGHT = 'NotificationInFlight';

const LEASE_MARGIN_MS = 5_000;
const INTERRUPTED = 'interrupted: no outcome was recorded (the worker stopped mid-send); sent again with the same Message-ID';

/**
 * The notification's Message-ID, derived from its id alone: every send of a notification, by any
 * worker and any retry, carries the same one, so copies are countable at the receiving end.
 */
export function notificationMessageId(notificationId: string): string {
  return `<${createHash('sha256').update(notificationId).digest('hex').slice(0, 32)}@ticketing.fleet>`;
}

/**
 * `deliverNotification`: records the notification (pending, with its Message-ID) before anything is
 * sent; answers the recorded result when it was delivered already; defers it outside the
 * recipient's working hours; then tries e-mail, SMS, push and in-app in turn, each attempt written
 * as 'sending' before its send and closed with its outcome. A refusal (SMTP 5xx, provider 4xx) or
 * a channel without an address goes to the next channel at once; a transient failure (SMTP 4xx,
 * provider 429/5xx, no connection) fails the activity as retryable until the channel has failed
 * `transientAttempts` times, then goes on. An attempt found 'sending' after the lease is one whose
 * worker stopped between the send and its record: the unavoidable window; it counts as a failure
 * and the channel sends again (e-mail with the same Message-ID, so the copy is countable).
 */
export function createNotificationActivities(
  deps: TicketingActivityDeps,
  channels: NotificationChannels,
): { activities: Pick<TicketingActivities, 'deliverNotification'>; release: () => Promise<void> } {
  const { db, logger } = deps;
  const sendTimeoutMs = channels.sendTimeoutMs ?? 30_000;
  const leaseMs = sendTimeoutMs + LEASE_MARGIN_MS;
  const transientAttempts = Math.max(1, channels.transientAttempts);
  const smtp = createSmtpChannel(channels.smtp, sendTimeoutMs);
  const provider = createNotifyChannel(channels.notifyUrl, sendTimeoutMs);

  const addressOf = (recipient: NotificationRecipient, channel: NotificationChannel): string | null => {
    switch (channel) {
      case 'email':
        return recipient.email;
      case 'sms':
        return recipient.phone;
      case 'push':
        return recipient.pushToken;
      case 'in-app':
        return recipient.agentId;
    }
  };

  const send = async (channel: NotificationChannel, address: string, request: NotificationRequest, messageId: string): Promise<SendOutcome> => {
    switch (channel) {
      case 'email':
        return smtp.send({
          to: address,
          subject: request.subject,
          text: request.body,
          messageId,
          headers: { 'X-Fleet-Notification-Id': request.notificationId, 'X-Fleet-Ticket-Id': request.ticketId, 'X-Fleet-Notification-Kind': request.kind },
        });
      case 'sms':
      case 'push':
        return provider.send({ channel, to: address, body: `${request.subject}\n${request.body}`, reference: request.notificationId });
      case 'in-app':
        await insertInAppNotification(db, { notificationId: request.notificationId, agentId: request.agentId, subject: request.subject, body: request.body });
        return { outcome: 'delivered', detail: 'stored for the agent in the app' };
    }
  };

  const attemptsOf = (rows: AttemptRow[]): NotificationAttempt[] =>
    rows.flatMap((a) => (a.outcome === 'sending' ? [] : [{ channel: a.channel, outcome: a.outcome, detail: a.detail, at: (a.finishedAt ?? a.startedAt).toISOString() }]));

  /** Another execution is mid-send (or one stopped mid-send within the lease): retried once its lease has run out. */
  const inFlight = async (notificationId: string) => {
    const sending = (await listAttempts(db, notificationId)).filter((a) => a.outcome === 'sending');
    const oldest = Math.min(...sending.map((a) => a.startedAt.getTime()), Date.now());
    return ApplicationFailure.create({
      message: `notification ${notificationId} is being sent by another execution (or one that stopped mid-send less than ${leaseMs} ms ago)`,
      type: NOTIFICATION_IN_FLIGHT,
      nonRetryable: false,
      nextRetryDelay: Math.min(leaseMs, Math.max(1_000, oldest + leaseMs - Date.now())),
    });
  };

  async function deliverNotification(request: NotificationRequest): Promise<NotificationResult> {
    const { notificationId } = request;
    const messageId = notificationMessageId(notificationId);
    const log = logger.child({ notificationId, ticketId: request.ticketId, agentId: request.agentId, messageId });
    const recorded = await recordNotification(db, request, messageId);
    if (recorded.status === 'delivered' && recorded.channel) {
      log.info({ channel: recorded.channel }, 'notification delivered already: not sent again');
      return { status: 'delivered', notificationId, channel: recorded.channel as NotificationChannel, messageId: recorded.message_id, attempts: attemptsOf(await listAttempts(db, notificationId)) };
    }

    const recipient = await findRecipient(db, request.agentId);
    if (!recipient) {
      await markNotificationUndeliverable(db, notificationId);
      log.warn('notification undeliverable: unknown agent');
      return { status: 'undeliverable', notificationId, reason: `unknown agent ${request.agentId}`, attempts: attemptsOf(await listAttempts(db, notificationId)) };
    }
    if (recipient.calendarName && recipient.calendar === null) log.warn({ calendar: recipient.calendarName }, "the agent's calendar is not in the configuration: no quiet hours");
    const notBefore = quietUntil(recipient.calendar, new Date());
    if (notBefore) {
      await deferNotification(db, notificationId, notBefore);
      log.info({ notBefore }, 'notification deferred: quiet hours');
      return { status: 'deferred', notificationId, notBefore: notBefore.toISOString() };
    }
    await markNotificationPending(db, notificationId);

    // An attempt still 'sending' after the lease: its worker stopped between the send and its record.
    for (const stale of (await listAttempts(db, notificationId, leaseMs)).filter((a) => a.outcome === 'sending' && a.stale)) {
      if (await closeAttempt(db, stale.attemptId, 'failed', INTERRUPTED)) log.warn({ channel: stale.channel, attemptId: stale.attemptId }, 'an attempt was interrupted mid-send: it may have been taken; sending again');
    }
    let attempts = await listAttempts(db, notificationId);
    if (attempts.some((a) => a.outcome === 'sending')) throw await inFlight(notificationId);

    for (const channel of NOTIFICATION_CHANNELS) {
      const past = attempts.filter((a) => a.channel === channel);
      if (past.some((a) => a.outcome === 'delivered')) {
        await markNotificationDelivered(db, notificationId, channel);
        return { status: 'delivered', notificationId, channel, messageId, attempts: attemptsOf(attempts) };
      }
      if (past.some((a) => a.outcome === 'refused' || a.outcome === 'skipped')) continue;
      const failures = past.filter((a) => a.outcome === 'failed').length;
      if (failures >= transientAttempts) continue;
      const address = addressOf(recipient, channel);
      if (!address) {
        await recordSkippedAttempt(db, notificationId, channel, `the agent has no ${channel} address`);
        log.info({ channel, outcome: 'skipped' }, 'notification attempt');
        attempts = await listAttempts(db, notificationId);
        continue;
      }

      const attemptId = await db.transaction().execute((trx) => openAttempt(trx, notificationId, channel, leaseMs));
      if (attemptId === undefined) throw await inFlight(notificationId);
      let result: SendOutcome;
      try {
        result = await send(channel, address, request, messageId);
      } catch (err) {
        result = { outcome: 'failed', detail: err instanceof Error ? err.message : String(err) };
      }
      if (result.outcome === 'delivered') {
        const { detail } = result;
        await db.transaction().execute(async (trx) => {
          await closeAttempt(trx, attemptId, 'delivered', detail);
          await markNotificationDelivered(trx, notificationId, channel);
        });
        log.info({ channel, outcome: 'delivered', detail }, 'notification attempt');
        return { status: 'delivered', notificationId, channel, messageId, attempts: attemptsOf(await listAttempts(db, notificationId)) };
      }
      await closeAttempt(db, attemptId, result.outcome, result.detail);
      log.warn({ channel, outcome: result.outcome, detail: result.detail, failures: failures + (result.outcome === 'failed' ? 1 : 0) }, 'notification attempt');
      if (result.outcome === 'failed' && failures + 1 < transientAttempts) {
        throw ApplicationFailure.create({
          message: `${channel} failed for now (${failures + 1} of ${transientAttempts} before falling back): ${result.detail}`,
          type: NOTIFICATION_TRANSIENT_FAILURE,
          nonRetryable: false,
          nextRetryDelay: result.retryAfterMs,
        });
      }
      attempts = await listAttempts(db, notificationId);
    }

    // In-app delivers for every known agent; this is reached only when it failed again and again.
    await markNotificationUndeliverable(db, notificationId);
    log.error('notification undeliverable: every channel refused or failed');
    return { status: 'undeliverable', notificationId, reason: 'every channel refused or failed', attempts: attemptsOf(attempts) };
  }

  return {
    activities: { deliverNotification },
    release: async () => smtp.close(),
  };
}
