/**
 * A ticketing worker SIGKILLed mid-escalation loses no notification and repeats none outside the
 * unavoidable window (Mailpit accepted the mail, the worker died before recording it). The worker
 * runs as its own process (its real main) on the dev server, e-mailing through a real Mailpit; the
 * test kills it twice while escalation e-mails are going out, restarts it each time, and counts what
 * Mailpit holds by Message-ID. The worker runs one activity at a time, so one kill can leave at most
 * one send in that window: copies ≤ kills. Copies are printed, not hidden.
 */
import './quiet-runtime';
import { createDb, migrateToLatest } from '@fleet/shared-db';
import { ticketingMigrations, type TicketingDatabase } from '@fleet/ticketing-data-access';
import { readEscalations, readNotification, readNotificationAttempts } from '@fleet/ticketing-data-access/testing';
import { ticketChangeStateUpdate, ticketWorkflowId, TICKETING_CONFIG_WORKFLOW_ID, type TicketingConfigInput } from '@fleet/ticketing-contracts';
import {
  appNodeArgs,
  createTestContext,
  repoRoot,
  spawnManaged,
  startTestMailpit,
  startTestNotifySim,
  testEnv,
  waitFor,
  workerTestEnv,
  type ManagedProcess,
  type TestContext,
  type TestMailpit,
  type TestNotifySim,
} from '@fleet/tools-infra/testing';
import type { Kysely } from 'kysely';
import path from 'node:path';
import { recordHistory } from './histories';
import { configure, createTicket, ticketInput } from './tickets';

const TICKETS = 30;
const LEVELS = 3;
const EXPECTED = TICKETS * LEVELS;
const always = { timeZone: 'UTC', week: Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((d) => [d, [{ start: '00:00', end: '24:00' }]])) };

/** 24/7; the warning 3 s after creation (5% of a minute) fires three levels at once: alice, the lead, the manager (who takes the ticket). */
const config: TicketingConfigInput = {
  calendars: { always },
  rules: [
    {
      id: 'kill',
      calendar: 'always',
      targets: { solution: 1 },
      warnings: { percent: [5], leadMinutes: [] },
      escalations: [
        { level: 1, clock: 'solution', on: 'warning', notify: { agent: 'alice' } },
        { level: 2, clock: 'solution', on: 'warning', notify: { agent: 'lead' } },
        { level: 3, clock: 'solution', on: 'warning', notify: { agent: 'manager' }, reassignTo: 'manager' },
      ],
    },
  ],
  agents: { alice: { email: 'alice@fleet.test' }, lead: { email: 'lead@fleet.test' }, manager: { email: 'manager@fleet.test' } },
};

describe('a ticketing worker SIGKILLed mid-escalation', () => {
  let ctx: TestContext;
  let db: Kysely<TicketingDatabase>;
  let mailpit: TestMailpit;
  let sim: TestNotifySim;
  let worker: ManagedProcess | undefined;
  let starts = 0;

  /** The worker's own main as a child process (SIGKILL reaches it), on this test's namespace, database and servers. */
  function startWorker(): ManagedProcess {
    starts += 1;
    return spawnManaged({
      name: 'ticketing-worker',
      command: process.execPath,
      // 1 GB of heap: with the default 256 MB its workflow thread ran out of memory (ERR_WORKER_OUT_OF_MEMORY)
      // holding these 30 tickets (the workflow bundle is 13 MB), which is not what this test is about.
      args: [...appNodeArgs(1024), path.join(repoRoot, 'apps/ticketing-worker/src/main.ts')],
      cwd: repoRoot,
      env: {
        ...process.env,
        ...workerTestEnv(ctx),
        WORKFLOW_BUNDLE: ctx.bundle('ticketing-worker'),
        SMTP_HOST: mailpit.smtp.host,
        SMTP_PORT: String(mailpit.smtp.port),
        SMTP_FROM: 'fleet-ticketing@fleet.test',
        NOTIFY_URL: sim.url,
        // One activity at a time: a kill interrupts at most one send.
        MAX_CONCURRENT_ACTIVITIES: '1',
      },
      logFile: path.join(testEnv('dir'), 'logs', `escalation-kill-ticketing-worker-${starts}.log`),
    });
  }

  beforeAll(async () => {
    [ctx, mailpit, sim] = await Promise.all([createTestContext('escalation-kill'), startTestMailpit('escalation-kill'), startTestNotifySim('escalation-kill')]);
    db = createDb<TicketingDatabase>(ctx.databaseUrl);
    await migrateToLatest(db, ticketingMigrations);
  }, 5 * 60_000);

  afterAll(async () => {
    await worker?.stop();
    await db?.destroy();
    await Promise.all([mailpit?.stop(), sim?.stop()]);
    await ctx?.close();
  });

  it('delivers every escalation e-mail once; copies only in the window between SMTP accepting and the record, at most one per kill', async () => {
    const { client } = ctx;
    worker = startWorker();
    await configure(client, 'ticketing', config);
    const ids = Array.from({ length: TICKETS }, (_, i) => `K-${String(i + 1).padStart(2, '0')}`);
    // Tickets keep coming while the worker is killed: a create waits for the restarted worker.
    const creating = (async () => {
      for (const id of ids) await createTicket(client, 'ticketing', ticketInput(id, { queue: 'kill' }));
    })();

    // Kill while the e-mails are going out: once some have arrived, and again later, restarting each time.
    const kills: { arrived: number; sending: number }[] = [];
    for (const threshold of [5, 45]) {
      const arrived = await waitFor(`${threshold} e-mails`, async () => {
        const { total } = await mailpit.api.countMessageIds();
        return total >= threshold && total;
      }, 90_000, 20);
      await worker.stop('SIGKILL');
      // Attempts the killed worker left open ('sending'): sends it was in the middle of.
      const sending = await db.selectFrom('ticketing_notification_attempts').select((eb) => eb.fn.countAll<string>().as('n')).where('outcome', '=', 'sending').executeTakeFirstOrThrow();
      kills.push({ arrived, sending: Number(sending.n) });
      worker = startWorker();
    }
    await creating;
    for (const k of kills) {
      expect(k.arrived).toBeGreaterThan(0);
      expect(k.arrived).toBeLessThan(EXPECTED);
    }

    // Every notification delivered: an activity killed mid-send is retried after its 1-minute timeout.
    const expected = ids.flatMap((id) => Array.from({ length: LEVELS }, (_, l) => `${id}/escalation/solution/1/${l + 1}`));
    await waitFor('every notification delivered', async () => {
      const rows = await Promise.all(expected.map((n) => readNotification(db, n)));
      return rows.every((r) => r?.status === 'delivered');
    }, 150_000, 250);
    const count = await mailpit.api.countMessageIds();
    const copies = Object.values(count.copies).reduce((sum, n) => sum + n - 1, 0);
    const interrupted = (await Promise.all(expected.map((n) => readNotificationAttempts(db, n)))).flat().filter((a) => a.outcome === 'failed').length;
    console.log(
      `escalation-kill: ${EXPECTED} notifications expected; Mailpit holds ${count.total} e-mails, ${count.distinct} distinct Message-IDs; ` +
        `${copies} cop${copies === 1 ? 'y' : 'ies'} ${JSON.stringify(count.copies)}; ${kills.length} kills (after ${kills.map((k) => `${k.arrived} e-mails, ${k.sending} send(s) open`).join('; ')}); ` +
        `${interrupted} attempts found interrupted and retried`,
    );
    expect(count.distinct).toBe(EXPECTED);
    expect(copies).toBeLessThanOrEqual(kills.length);
    // Each notification went by e-mail, under the Message-ID recorded before it was sent.
    const arrivedIds = new Set((await mailpit.api.messages()).map((m) => m.messageId));
    for (const n of expected) {
      const row = await readNotification(db, n);
      expect({ n, channel: row?.channel }).toEqual({ n, channel: 'email' });
      expect(arrivedIds.has(row!.message_id.replace(/^<|>$/g, ''))).toBe(true);
    }
    // Each level fired once per ticket, and the manager has every ticket. The workflow records them
    // beside the sends, not before: a record the kill interrupted is retried after its timeout, so it
    // may land after its e-mail did.
    await waitFor('every escalation recorded', async () => {
      const recorded = await Promise.all(ids.map((id) => readEscalations(db, id)));
      return recorded.every((levels) => levels.length >= LEVELS);
    }, 90_000, 250);
    for (const id of ids) {
      const levels = await readEscalations(db, id);
      expect({ id, levels: levels.map((e) => [e.level, e.notified]) }).toEqual({ id, levels: [[1, 'alice'], [2, 'lead'], [3, 'manager']] });
    }
    expect(await sim.messages()).toEqual([]);

    // One ticket closed, for a replayable history with escalations from a killed worker.
    const handle = client.workflow.getHandle(ticketWorkflowId('K-01'));
    await handle.executeUpdate(ticketChangeStateUpdate, { args: [{ state: 'resolved' }] });
    await handle.executeUpdate(ticketChangeStateUpdate, { args: [{ state: 'closed' }] });
    expect((await handle.result()).state).toBe('closed');
    await recordHistory(client, ticketWorkflowId('K-01'), 'ticket-lifecycle-escalations-worker-killed');
    await recordHistory(client, TICKETING_CONFIG_WORKFLOW_ID, 'ticketing-config');
  }, 5 * 60_000);
});
