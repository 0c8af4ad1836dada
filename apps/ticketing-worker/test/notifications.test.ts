/**
 * Notifications with real fallback (issue 10 §4), against real servers: Mailpit (SMTP, its API and
 * its chaos switch), the SMS/push simulator (apps/notify-sim, its own process) and PostgreSQL; one
 * case on a real Temporal worker. Every e-mailed notification is counted in Mailpit by Message-ID at
 * the end: one message each, and a copy only where a send was interrupted between the SMTP server
 * taking it and Fleet recording that (the unavoidable window), reported, not hidden.
 */
import './quiet-runtime';
import { createHash } from 'node:crypto';
import path from 'node:path';
import { createDb, migrateToLatest } from '@fleet/shared-db';
import { createOutbox } from '@fleet/shared-events';
import { createLogger } from '@fleet/shared-observability';
import { createTicketingActivities, type NotificationChannels } from '@fleet/ticketing-activities';
import { ticketingConfigSchema, type NotificationRequest, type NotificationResult, type TicketingActivities, type TicketingConfigInput } from '@fleet/ticketing-contracts';
import { recordNotification, saveConfigVersion, ticketingMigrations, type TicketingDatabase } from '@fleet/ticketing-data-access';
import { insertInterruptedAttempt, readInAppNotifications, readNotification, readNotificationAttempts } from '@fleet/ticketing-data-access/testing';
import { createTestContext, startTestMailpit, startTestNotifySim, type TestContext, type TestMailpit, type TestNotifySim } from '@fleet/tools-infra/testing';
import { ApplicationFailure } from '@temporalio/common';
import { bundleWorkflowCode, NativeConnection, Worker } from '@temporalio/worker';
import type { Kysely } from 'kysely';
import { createTransport } from 'nodemailer';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const KOLKATA_OFFSET = 5.5 * HOUR; // Asia/Kolkata: +05:30 all year
const TRANSIENT_ATTEMPTS = 3;

/** A calendar of Asia/Kolkata whose one window a day starts three local hours from now: quiet now. */
function quietNow(now: number) {
  const localHour = Math.floor(((now + KOLKATA_OFFSET) % DAY) / HOUR);
  const startHour = (localHour + 3) % 24;
  const hh = String(startHour).padStart(2, '0');
  const window = [{ start: `${hh}:00`, end: startHour === 23 ? '24:00' : `${String(startHour + 1).padStart(2, '0')}:00` }];
  const calendar = { timeZone: 'Asia/Kolkata', week: { mon: window, tue: window, wed: window, thu: window, fri: window, sat: window, sun: window } };
  // The window's next start: today (local) at startHour, or tomorrow when that is past.
  const localMidnight = Math.floor((now + KOLKATA_OFFSET) / DAY) * DAY - KOLKATA_OFFSET;
  let next = localMidnight + startHour * HOUR;
  if (next <= now) next += DAY;
  return { calendar, notBefore: new Date(next).toISOString() };
}

const allDay = [{ start: '00:00', end: '24:00' }];
const alwaysOpen = { timeZone: 'Asia/Kolkata', week: { mon: allDay, tue: allDay, wed: allDay, thu: allDay, fri: allDay, sat: allDay, sun: allDay } };

function config(now: number): TicketingConfigInput {
  return {
    calendars: { 'quiet-now': quietNow(now).calendar, 'always-open': alwaysOpen },
    rules: [],
    agents: {
      ana: { email: 'ana@example.test', phone: '+15550000001', pushToken: 'push-ana' },
      // A phone the provider refuses (400 invalid recipient), then push.
      bo: { email: 'bo@example.test', phone: '+15550000002', pushToken: 'push-bo' },
      // A refused phone and no push token: in-app.
      cy: { email: 'cy@example.test', phone: '+15550000003' },
      // No address at all but the app.
      dee: {},
      // Quiet hours.
      eve: { email: 'eve@example.test', phone: '+15550000005', calendar: 'quiet-now' },
      // Working hours all the time.
      fay: { email: 'fay@example.test', calendar: 'always-open' },
    },
  };
}

let ctx: TestContext;
let db: Kysely<TicketingDatabase>;
let mailpit: TestMailpit;
let sim: TestNotifySim;
let channels: NotificationChannels;
let activities: Pick<TicketingActivities, 'deliverNotification'>;
let release: () => Promise<void>;
const logger = createLogger('ticketing-worker', 'fatal');
/** The notifications each case expects delivered by e-mail (one message each in Mailpit at the end). */
const emailed: string[] = [];
/** The Message-IDs a case sent twice on purpose (the interrupted send): the only copies allowed. */
const windowCopies: Record<string, number> = {};

async function saveConfig(input: TicketingConfigInput): Promise<void> {
  const parsed = ticketingConfigSchema.parse(input);
  await db.transaction().execute((trx) => saveConfigVersion(trx, parsed));
}

beforeAll(async () => {
  [ctx, mailpit, sim] = await Promise.all([createTestContext('notifications'), startTestMailpit('notifications'), startTestNotifySim('notifications')]);
  db = createDb<TicketingDatabase>(ctx.databaseUrl);
  await migrateToLatest(db, ticketingMigrations);
  await saveConfig(config(Date.now()));
  await sim.setFaults({ invalidRecipients: ['+15550000002', '+15550000003'] });
  channels = { smtp: { ...mailpit.smtp, from: 'fleet-ticketing@fleet.test' }, notifyUrl: sim.url, transientAttempts: TRANSIENT_ATTEMPTS, sendTimeoutMs: 10_000 };
  ({ activities, release } = createTicketingActivities({ db, outbox: createOutbox('ticketing-worker', ctx.pulsar.tenant), logger, channels }));
}, 15 * 60_000); // the first start of a machine builds Mailpit (minutes, once)

afterAll(async () => {
  await release?.();
  await Promise.all([mailpit?.stop(), sim?.stop()]);
  await db?.destroy();
  await ctx?.close();
});

afterEach(async () => {
  await mailpit.api.clearChaos();
});

let sequence = 0;
const request = (agentId: string, what = 'escalation'): NotificationRequest => {
  const ticketId = `T-${++sequence}`;
  return { notificationId: `${ticketId}/${what}/solution/1/1`, ticketId, agentId, kind: 'escalation', subject: `Ticket ${ticketId} escalated`, body: `Ticket ${ticketId} breached its solution target.` };
};
const expectedMessageId = (notificationId: string) => `<${createHash('sha256').update(notificationId).digest('hex').slice(0, 32)}@ticketing.fleet>`;
const delivered = (result: NotificationResult) => {
  if (result.status !== 'delivered') throw new Error(`expected delivered, got ${JSON.stringify(result)}`);
  return result;
};
const outcomes = async (notificationId: string) => (await readNotificationAttempts(db, notificationId)).map((a) => `${a.channel}:${a.outcome}`);
const simMessages = async (reference: string) => (await sim.messages()).filter((m) => m.reference === reference);

/** The failure an activity threw, or undefined when it answered. */
async function failure(run: Promise<unknown>): Promise<ApplicationFailure | undefined> {
  try {
    await run;
    return undefined;
  } catch (err) {
    if (err instanceof ApplicationFailure) return err;
    throw err;
  }
}

describe('deliverNotification', () => {
  it('delivers by e-mail with a Message-ID derived from the notification id, recorded before and after', async () => {
    const req = request('ana');
    const result = delivered(await activities.deliverNotification(req));
    expect(result).toMatchObject({ channel: 'email', messageId: expectedMessageId(req.notificationId), attempts: [{ channel: 'email', outcome: 'delivered' }] });
    emailed.push(req.notificationId);

    const [message, ...more] = await mailpit.api.byMessageId(result.messageId);
    expect(more).toHaveLength(0);
    expect(message).toMatchObject({ subject: req.subject, to: ['ana@example.test'], from: 'fleet-ticketing@fleet.test' });
    expect(await readNotification(db, req.notificationId)).toMatchObject({ status: 'delivered', channel: 'email', message_id: result.messageId, kind: 'escalation' });
  });

  it('sends nothing again for a notification delivered already, and answers what was recorded', async () => {
    const req = request('ana');
    const first = delivered(await activities.deliverNotification(req));
    emailed.push(req.notificationId);
    const again = delivered(await activities.deliverNotification(req));
    const third = delivered(await activities.deliverNotification(req));
    expect(again).toEqual(first);
    expect(third).toEqual(first);
    expect(await mailpit.api.byMessageId(first.messageId)).toHaveLength(1);
    expect(await outcomes(req.notificationId)).toEqual(['email:delivered']);
  });

  it('falls back to SMS at once when SMTP refuses for good (550), logging each attempt', async () => {
    await mailpit.api.setChaos({ sender: { errorCode: 550, probability: 100 } });
    const req = request('ana');
    const result = delivered(await activities.deliverNotification(req));
    expect(result.channel).toBe('sms');
    expect(result.attempts).toMatchObject([
      { channel: 'email', outcome: 'refused', detail: expect.stringContaining('550') },
      { channel: 'sms', outcome: 'delivered', detail: expect.stringContaining('msg-') },
    ]);
    expect(await mailpit.api.byMessageId(result.messageId)).toHaveLength(0);
    expect(await simMessages(req.notificationId)).toMatchObject([{ channel: 'sms', to: '+15550000001', body: expect.stringContaining(req.subject) }]);
    expect(await readNotification(db, req.notificationId)).toMatchObject({ status: 'delivered', channel: 'sms' });
  });

  it('retries a transient SMTP refusal (451), then falls back after the configured number of failures', async () => {
    await mailpit.api.setChaos({ recipient: { errorCode: 451, probability: 100 } });
    const req = request('ana');
    for (let n = 1; n < TRANSIENT_ATTEMPTS; n++) {
      const err = await failure(activities.deliverNotification(req));
      expect(err).toMatchObject({ type: 'NotificationTransientFailure', nonRetryable: false, message: expect.stringContaining(`${n} of ${TRANSIENT_ATTEMPTS}`) });
    }
    const result = delivered(await activities.deliverNotification(req));
    expect(result.channel).toBe('sms');
    expect(await outcomes(req.notificationId)).toEqual([...Array<string>(TRANSIENT_ATTEMPTS).fill('email:failed'), 'sms:delivered']);
    expect(result.attempts[0]?.detail).toContain('451');
    expect(await simMessages(req.notificationId)).toHaveLength(1);
  });

  it('goes on to push when the provider refuses the SMS (400), and to in-app without a push token', async () => {
    await mailpit.api.setChaos({ sender: { errorCode: 550, probability: 100 } });
    const toPush = request('bo');
    const pushed = delivered(await activities.deliverNotification(toPush));
    expect(pushed.channel).toBe('push');
    expect(await outcomes(toPush.notificationId)).toEqual(['email:refused', 'sms:refused', 'push:delivered']);
    expect(pushed.attempts[1]?.detail).toContain('400');
    expect(await simMessages(toPush.notificationId)).toMatchObject([{ channel: 'push', to: 'push-bo' }]);

    const toApp = request('cy');
    const inApp = delivered(await activities.deliverNotification(toApp));
    expect(inApp.channel).toBe('in-app');
    expect(await outcomes(toApp.notificationId)).toEqual(['email:refused', 'sms:refused', 'push:skipped', 'in-app:delivered']);
    expect(await readInAppNotifications(db, 'cy')).toMatchObject([{ notification_id: toApp.notificationId, subject: toApp.subject }]);
    // In-app is written once, however often it is asked.
    delivered(await activities.deliverNotification(toApp));
    expect(await readInAppNotifications(db, 'cy')).toHaveLength(1);
  });

  it("retries the provider's transient refusals (429 with Retry-After) on SMS, then on push, then goes in-app", async () => {
    await mailpit.api.setChaos({ sender: { errorCode: 550, probability: 100 } });
    await sim.setFaults({ invalidRecipients: ['+15550000002', '+15550000003'], refuse: { status: 429, probability: 1, retryAfterSeconds: 7 } });
    const req = request('ana');
    try {
      for (const channel of ['sms', 'push']) {
        for (let n = 1; n < TRANSIENT_ATTEMPTS; n++) {
          const err = await failure(activities.deliverNotification(req));
          expect(err).toMatchObject({ type: 'NotificationTransientFailure', message: expect.stringMatching(new RegExp(`^${channel} failed for now \\(${n} of`)), nextRetryDelay: 7_000 });
        }
      }
      const result = delivered(await activities.deliverNotification(req));
      expect(result.channel).toBe('in-app');
    } finally {
      await sim.setFaults({ invalidRecipients: ['+15550000002', '+15550000003'] });
    }
    const failed = (channel: string) => Array<string>(TRANSIENT_ATTEMPTS).fill(`${channel}:failed`);
    expect(await outcomes(req.notificationId)).toEqual(['email:refused', ...failed('sms'), ...failed('push'), 'in-app:delivered']);
    expect(await simMessages(req.notificationId)).toHaveLength(0);
    expect((await sim.stats()).refused['429']).toBe(2 * TRANSIENT_ATTEMPTS);
  });

  it('skips the channels an agent has no address for', async () => {
    const req = request('dee');
    const result = delivered(await activities.deliverNotification(req));
    expect(result.channel).toBe('in-app');
    expect(result.attempts.map((a) => `${a.channel}:${a.outcome}`)).toEqual(['email:skipped', 'sms:skipped', 'push:skipped', 'in-app:delivered']);
  });

  it("defers a notification in the recipient's quiet hours to the next working instant of their calendar, and sends it once they work", async () => {
    const req = request('eve');
    const now = Date.now();
    const result = await activities.deliverNotification(req);
    expect(result).toEqual({ status: 'deferred', notificationId: req.notificationId, notBefore: quietNow(now).notBefore });
    const row = await readNotification(db, req.notificationId);
    expect(row).toMatchObject({ status: 'deferred', message_id: expectedMessageId(req.notificationId) });
    expect(row?.not_before?.toISOString()).toBe(quietNow(now).notBefore);
    expect(await outcomes(req.notificationId)).toEqual([]);
    expect(await mailpit.api.byMessageId(expectedMessageId(req.notificationId))).toHaveLength(0);

    // The workflow asks again at notBefore; here the calendar changes instead of the clock.
    await saveConfig({ ...config(now), agents: { ...config(now).agents, eve: { email: 'eve@example.test', calendar: 'always-open' } } });
    try {
      const later = delivered(await activities.deliverNotification(req));
      expect(later.channel).toBe('email');
      emailed.push(req.notificationId);
      expect(await readNotification(db, req.notificationId)).toMatchObject({ status: 'delivered', channel: 'email' });
    } finally {
      await saveConfig(config(now));
    }
  });

  it('sends at once to an agent in working hours', async () => {
    const req = request('fay');
    expect(delivered(await activities.deliverNotification(req)).channel).toBe('email');
    emailed.push(req.notificationId);
  });

  it('answers undeliverable for an unknown agent, recorded, with nothing sent', async () => {
    const req = request('nobody');
    expect(await activities.deliverNotification(req)).toEqual({ status: 'undeliverable', notificationId: req.notificationId, reason: 'unknown agent nobody', attempts: [] });
    expect(await readNotification(db, req.notificationId)).toMatchObject({ status: 'undeliverable', channel: null });
    expect(await mailpit.api.byMessageId(expectedMessageId(req.notificationId))).toHaveLength(0);
    expect(await simMessages(req.notificationId)).toHaveLength(0);
  });

  it('waits for a send another execution has in flight, and sends nothing meanwhile', async () => {
    const req = request('ana');
    await recordNotification(db, req, expectedMessageId(req.notificationId));
    await insertInterruptedAttempt(db, req.notificationId, 'email', 0);
    const err = await failure(activities.deliverNotification(req));
    expect(err).toMatchObject({ type: 'NotificationInFlight', nonRetryable: false });
    // Retried once the other's lease (send timeout 10 s + 5 s) has run out, not sooner.
    expect(err?.nextRetryDelay).toBeGreaterThan(10_000);
    expect(err?.nextRetryDelay).toBeLessThanOrEqual(15_000);
    expect(await outcomes(req.notificationId)).toEqual(['email:sending']); // the other's, untouched; none of its own
    expect(await mailpit.api.byMessageId(expectedMessageId(req.notificationId))).toHaveLength(0);
  });

  it('sends again, with the same Message-ID, what a worker stopped between the SMTP server taking it and recording it (the counted window)', async () => {
    const req = request('ana');
    const messageId = expectedMessageId(req.notificationId);
    // What the stopped worker did: recorded the notification and the attempt, and the server took the mail.
    await recordNotification(db, req, messageId);
    await insertInterruptedAttempt(db, req.notificationId, 'email', 60_000);
    const smtp = createTransport({ host: mailpit.smtp.host, port: mailpit.smtp.port, secure: false });
    try {
      await smtp.sendMail({ from: 'fleet-ticketing@fleet.test', to: 'ana@example.test', subject: req.subject, text: req.body, messageId });
    } finally {
      smtp.close();
    }
    const result = delivered(await activities.deliverNotification(req));
    expect(result).toMatchObject({ channel: 'email', messageId });
    expect(result.attempts).toMatchObject([
      { channel: 'email', outcome: 'failed', detail: expect.stringContaining('interrupted') },
      { channel: 'email', outcome: 'delivered' },
    ]);
    expect(await mailpit.api.byMessageId(messageId)).toHaveLength(2);
    emailed.push(req.notificationId);
    windowCopies[messageId.slice(1, -1)] = 2;
  });
});

describe('deliverNotification on a real Temporal worker', () => {
  let connection: NativeConnection;
  beforeAll(async () => {
    connection = await NativeConnection.connect({ address: ctx.temporal.address });
  });
  afterAll(async () => {
    await connection?.close();
  });

  it('is retried by Temporal on a transient SMTP failure and falls back to SMS after the configured failures', async () => {
    const quiet = { log: () => undefined, trace: () => undefined, debug: () => undefined, info: () => undefined, warn: () => undefined, error: console.error };
    const { code } = await bundleWorkflowCode({ workflowsPath: path.join(__dirname, 'notifications.workflows.ts'), logger: quiet });
    const taskQueue = 'notifications-test';
    const worker = await Worker.create({ connection, namespace: ctx.temporal.namespace, taskQueue, workflowBundle: { code }, activities: { deliverNotification: activities.deliverNotification } });
    await mailpit.api.setChaos({ recipient: { errorCode: 451, probability: 100 } });
    const req = request('ana');
    const workflowId = `notify-${req.notificationId}`;
    const result = delivered(await worker.runUntil(ctx.client.workflow.execute('deliverNotificationOnce', { workflowId, taskQueue, args: [req] })));
    expect(result.channel).toBe('sms');
    expect(await outcomes(req.notificationId)).toEqual([...Array<string>(TRANSIENT_ATTEMPTS).fill('email:failed'), 'sms:delivered']);
    expect(await simMessages(req.notificationId)).toHaveLength(1);

    // Temporal ran the activity once per transient failure: the last run fell back and delivered.
    const history = await ctx.client.workflow.getHandle(workflowId).fetchHistory();
    const started = history.events?.find((e) => e.activityTaskStartedEventAttributes)?.activityTaskStartedEventAttributes;
    expect(started?.attempt).toBe(TRANSIENT_ATTEMPTS);
    expect(started?.lastFailure?.applicationFailureInfo?.type).toBe('NotificationTransientFailure');
  }, 300_000); // bundling takes 10-20 s
});

describe('Mailpit, counted at the end', () => {
  it('holds one message per notification delivered by e-mail; copies only from the window, reported', async () => {
    const count = await mailpit.api.countMessageIds();
    console.log(
      `notifications e-mailed: ${emailed.length}; Mailpit holds ${count.total} messages, ${count.distinct} distinct Message-IDs; copies (the window between the SMTP server taking a message and Fleet recording it): ${JSON.stringify(count.copies)}`,
    );
    expect(count.distinct).toBe(emailed.length);
    expect(count.copies).toEqual(windowCopies);
    const ids = new Set((await mailpit.api.messages()).map((m) => m.messageId));
    expect([...ids].sort()).toEqual(emailed.map((id) => expectedMessageId(id).slice(1, -1)).sort());
  });
});
