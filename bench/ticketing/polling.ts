/**
 * The polling baseline: an escalation check as Znuny's EscalationCheck runs it (a cron job every
 * minute), on a copy of the same tickets' SLA thresholds in its own PostgreSQL database. Each run
 * selects the open tickets escalating within 5 days, at most 1000, earliest first (Znuny: "only
 * tickets escalating within 5 days, at most 1000 a run"), reads each ticket (its TicketGet), and
 * records every threshold that passed and was not recorded yet, then moves the ticket's escalation
 * time to its next threshold. Queries are sequential, as a single cron process makes them.
 */
import { createDatabaseIfMissing, createDb, databaseUrl } from '@fleet/shared-db';
import { sql, type Kysely } from 'kysely';

export interface PollThreshold {
  id: string;
  /** Epoch milliseconds. */
  due: number;
}

interface PollDatabase {
  poll_tickets: { ticket_id: string; state: string; escalation_time: Date | null; thresholds: string; fired: string };
  poll_events: { ticket_id: string; threshold: string; due_at: Date; fired_at: Date };
}

export interface PollScan {
  at: string;
  durationMs: number;
  /** Tickets the scan returned (escalating within 5 days, at most 1000). */
  scanned: number;
  /** Thresholds it found passed and recorded. */
  fired: number;
  queries: number;
}

export interface PollStats {
  datname: string;
  xact_commit: number;
  tup_returned: number;
  tup_fetched: number;
  tup_inserted: number;
  tup_updated: number;
}

export const POLL_DATABASE = 'bench_ticketing_poll';
const LIMIT = 1000;

export interface Poller {
  db: Kysely<PollDatabase>;
  load(tickets: { ticketId: string; thresholds: PollThreshold[] }[]): Promise<void>;
  start(intervalMs: number): void;
  stop(): Promise<void>;
  scans: PollScan[];
  events(): Promise<{ ticket_id: string; threshold: string; due_at: Date; fired_at: Date }[]>;
}

export async function createPoller(serverUrl: string): Promise<Poller> {
  await createDatabaseIfMissing(serverUrl, POLL_DATABASE);
  const db = createDb<PollDatabase>(databaseUrl(serverUrl, POLL_DATABASE), { maxConnections: 2 });
  await sql`DROP TABLE IF EXISTS poll_events, poll_tickets`.execute(db);
  await sql`CREATE TABLE poll_tickets (ticket_id text PRIMARY KEY, state text NOT NULL, escalation_time timestamptz, thresholds jsonb NOT NULL, fired jsonb NOT NULL DEFAULT '[]')`.execute(db);
  // Znuny keeps an index on each escalation time column of its ticket table.
  await sql`CREATE INDEX poll_tickets_escalation ON poll_tickets (escalation_time) WHERE state <> 'closed'`.execute(db);
  await sql`CREATE TABLE poll_events (ticket_id text NOT NULL, threshold text NOT NULL, due_at timestamptz NOT NULL, fired_at timestamptz NOT NULL, PRIMARY KEY (ticket_id, threshold))`.execute(db);

  const scans: PollScan[] = [];
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();

  const scanOnce = async (): Promise<void> => {
    const started = Date.now();
    const now = new Date(started);
    let queries = 1;
    let fired = 0;
    const { rows } = await sql<{ ticket_id: string }>`
      SELECT ticket_id FROM poll_tickets
      WHERE state <> 'closed' AND escalation_time <= ${now}::timestamptz + interval '5 days'
      ORDER BY escalation_time LIMIT ${LIMIT}`.execute(db);
    for (const { ticket_id } of rows) {
      queries += 1;
      const ticket = await db.selectFrom('poll_tickets').selectAll().where('ticket_id', '=', ticket_id).executeTakeFirst();
      if (!ticket) continue;
      const thresholds = (typeof ticket.thresholds === 'string' ? JSON.parse(ticket.thresholds) : ticket.thresholds) as PollThreshold[];
      const done = new Set((typeof ticket.fired === 'string' ? JSON.parse(ticket.fired) : ticket.fired) as string[]);
      const passed = thresholds.filter((t) => t.due <= Date.now() && !done.has(t.id));
      if (!passed.length) continue;
      for (const t of passed) {
        queries += 1;
        await sql`INSERT INTO poll_events (ticket_id, threshold, due_at, fired_at) VALUES (${ticket_id}, ${t.id}, ${new Date(t.due)}, now()) ON CONFLICT DO NOTHING`.execute(db);
        done.add(t.id);
        fired += 1;
      }
      const next = thresholds.filter((t) => !done.has(t.id)).sort((a, b) => a.due - b.due)[0];
      queries += 1;
      await sql`UPDATE poll_tickets SET fired = ${JSON.stringify([...done])}::jsonb, escalation_time = ${next ? new Date(next.due) : null} WHERE ticket_id = ${ticket_id}`.execute(db);
    }
    scans.push({ at: now.toISOString(), durationMs: Date.now() - started, scanned: rows.length, fired, queries });
  };

  return {
    db,
    scans,
    async load(tickets) {
      for (let i = 0; i < tickets.length; i += 1000) {
        const rows = tickets.slice(i, i + 1000).map((t) => {
          const first = [...t.thresholds].sort((a, b) => a.due - b.due)[0];
          return { ticket_id: t.ticketId, state: 'new', escalation_time: first ? new Date(first.due) : null, thresholds: JSON.stringify(t.thresholds), fired: '[]' };
        });
        await db.insertInto('poll_tickets').values(rows).execute();
      }
      await sql`ANALYZE poll_tickets`.execute(db);
    },
    start(intervalMs) {
      const tick = () => {
        running = running.then(scanOnce).catch((err: unknown) => console.error('[poll] scan failed', err));
      };
      tick();
      timer = setInterval(tick, intervalMs);
    },
    async stop() {
      if (timer) clearInterval(timer);
      await running;
    },
    events: () => db.selectFrom('poll_events').selectAll().execute(),
  };
}

/** pg_stat_database for one database: commits and rows read and written (cumulative). */
export async function databaseStats<D>(db: Kysely<D>, datname: string): Promise<PollStats> {
  const { rows } = await sql<PollStats>`
    SELECT datname, xact_commit::float8 AS xact_commit, tup_returned::float8 AS tup_returned, tup_fetched::float8 AS tup_fetched,
           tup_inserted::float8 AS tup_inserted, tup_updated::float8 AS tup_updated
    FROM pg_stat_database WHERE datname = ${datname}`.execute(db);
  const row = rows[0];
  if (!row) throw new Error(`no statistics for database ${datname}`);
  return row;
}
