import { licenseEvents, type LicenseActivities } from '@fleet/license-contracts';
import { findRemindersDue, queueReminders } from '@fleet/license-data-access';
import type { LicenseActivityDeps } from './deps';

/** The renewal reminders' activity: a page of licenses read, the reminders due queued with their events. */
export function createRemindersActivities({ db, outbox, metrics }: LicenseActivityDeps): Pick<LicenseActivities, 'queueRemindersPage'> {
  return {
    async queueRemindersPage(input) {
      const page = await findRemindersDue(db, input);
      const queued =
        page.due.length === 0
          ? 0
          : await db.transaction().execute(async (trx) => {
              const fresh = await queueReminders(trx, page.due);
              // Only reminders queued now: one already queued on an earlier run has had its event.
              await outbox.append(trx, licenseEvents.renewalReminderQueued, fresh.map((r) => ({ subject: r.agentId, data: r })));
              return fresh.length;
            });
      metrics?.remindersQueued.inc(queued);
      return { scanned: page.scanned, queued, last: page.last };
    },
  };
}
