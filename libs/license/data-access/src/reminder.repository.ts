import { sql, type Kysely, type Transaction } from 'kysely';
import {
  addDays,
  dueReminderOffset,
  type QueueRemindersPageInput,
  type QueueRemindersPageResult,
} from '@fleet/license-contracts';
import type { LicenseDatabase } from './schema';

/**
 * Queues the renewal reminders due on the run date for one page of licenses renewing within the
 * largest offset, walking (renewal_date, license_id) with a keyset cursor. Each reminder has an
 * idempotency key (license, renewal date, offset), so it is queued once however often this runs.
 */
export interface QueuedReminder {
  agentId: string;
  licenseId: string;
  renewalDate: string;
  daysBefore: number;
}

export async function queueRemindersPage(
  db: Kysely<LicenseDatabase>,
  input: QueueRemindersPageInput,
  onQueued?: (tx: Transaction<LicenseDatabase>, reminders: QueuedReminder[]) => Promise<void>,
): Promise<QueueRemindersPageResult> {
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
    return offset === undefined ? [] : [{ ...r, offset }];
  });
  const queued = due.length
    ? await db.transaction().execute(async (tx) => {
        const inserted = await sql<{ agent_id: string; payload: Omit<QueuedReminder, 'agentId'> }>`
          INSERT INTO notifications (idempotency_key, agent_id, template, payload)
          SELECT 'license-reminder:' || d.license_id || ':' || d.renewal_date || ':' || d.offset_days,
                 d.agent_id, 'LICENSE_RENEWAL_REMINDER',
                 jsonb_build_object('licenseId', d.license_id, 'renewalDate', d.renewal_date, 'daysBefore', d.offset_days)
          FROM unnest(${due.map((d) => d.license_id)}::text[], ${due.map((d) => d.agent_id)}::text[],
                      ${due.map((d) => d.renewal_date)}::text[], ${due.map((d) => d.offset)}::int[])
            AS d(license_id, agent_id, renewal_date, offset_days)
          ON CONFLICT (idempotency_key) DO NOTHING
          RETURNING agent_id, payload`.execute(tx);
        // Only reminders queued now: one already queued on an earlier run has had its event.
        await onQueued?.(tx, inserted.rows.map((r) => ({ agentId: r.agent_id, ...r.payload })));
        return inserted.rows.length;
      })
    : 0;
  const last = rows.at(-1);
  return {
    scanned: rows.length,
    queued,
    last: last ? { renewalDate: last.renewal_date, licenseId: last.license_id } : null,
  };
}
