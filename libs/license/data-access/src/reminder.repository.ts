import { sql } from 'kysely';
import {
  addDays,
  dueReminderOffset,
  type IsoDate,
  type QueueRemindersPageInput,
  type ReminderCursor,
} from '@fleet/license-contracts';
import type { LicenseDb } from './schema';

// Renewal reminders: notifications keyed by (license, renewal date, offset), so each is queued once.

/** A reminder due for a license: its agent, and how many days before the renewal date it is sent. */
export interface DueReminder {
  agentId: string;
  licenseId: string;
  renewalDate: IsoDate;
  daysBefore: number;
}

/** A reminder written by this call (one queued on an earlier run is not repeated). */
export type QueuedReminder = DueReminder;

export interface RemindersPage {
  /** Licenses read in the page. */
  scanned: number;
  /** The reminders they are due on the run date. */
  due: DueReminder[];
  /** Where the next page starts; null when the page was empty. */
  last: ReminderCursor | null;
}

/**
 * One page of licenses renewing between the run date and the largest offset after it (agents not
 * deactivated), walking (renewal_date, license_id) with a keyset cursor, and the reminder each is
 * due on the run date (the nearest offset not yet passed; none past due).
 */
export async function findRemindersDue(db: LicenseDb, input: QueueRemindersPageInput): Promise<RemindersPage> {
  const horizon = addDays(input.runDate, Math.max(...input.offsetsDays));
  const after = input.after
    ? sql`AND (l.renewal_date, l.license_id) > (${input.after.renewalDate}::date, ${input.after.licenseId})`
    : sql``;
  const { rows } = await sql<{ license_id: string; agent_id: string; renewal_date: string; days_left: number }>`
    SELECT l.license_id, l.agent_id, l.renewal_date, (l.renewal_date - ${input.runDate}::date) AS days_left
    FROM agent_licenses l JOIN agent_profiles a ON a.agent_id = l.agent_id
    WHERE l.renewal_date >= ${input.runDate}::date AND l.renewal_date <= ${horizon}::date ${after}
      AND a.status <> 'DEACTIVATED'
    ORDER BY l.renewal_date, l.license_id
    LIMIT ${input.limit}`.execute(db);

  const due = rows.flatMap((r) => {
    const offset = dueReminderOffset(r.days_left, input.offsetsDays);
    return offset === undefined ? [] : [{ agentId: r.agent_id, licenseId: r.license_id, renewalDate: r.renewal_date, daysBefore: offset }];
  });
  const last = rows.at(-1);
  return { scanned: rows.length, due, last: last ? { renewalDate: last.renewal_date, licenseId: last.license_id } : null };
}

/** Queues the reminders (one statement); returns those queued now, not those an earlier run queued. */
export async function queueReminders(db: LicenseDb, due: DueReminder[]): Promise<QueuedReminder[]> {
  if (due.length === 0) return [];
  const inserted = await sql<{ agent_id: string; payload: Omit<QueuedReminder, 'agentId'> }>`
    INSERT INTO notifications (idempotency_key, agent_id, template, payload)
    SELECT 'license-reminder:' || d.license_id || ':' || d.renewal_date || ':' || d.offset_days,
           d.agent_id, 'LICENSE_RENEWAL_REMINDER',
           jsonb_build_object('licenseId', d.license_id, 'renewalDate', d.renewal_date, 'daysBefore', d.offset_days)
    FROM unnest(${due.map((d) => d.licenseId)}::text[], ${due.map((d) => d.agentId)}::text[],
                ${due.map((d) => d.renewalDate)}::text[], ${due.map((d) => d.daysBefore)}::int[])
      AS d(license_id, agent_id, renewal_date, offset_days)
    ON CONFLICT (idempotency_key) DO NOTHING
    RETURNING agent_id, payload`.execute(db);
  return inserted.rows.map((r) => ({ agentId: r.agent_id, ...r.payload }));
}
