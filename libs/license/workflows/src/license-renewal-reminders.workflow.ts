import { proxyActivities } from '@temporalio/workflow';
import { dayInTimeZone, parseInput } from '@fleet/shared-domain';
import {
  LICENSE_TIME_ZONE,
  REMINDER_DEFAULTS,
  licenseDomain,
  type LicenseActivities,
  type QueueRemindersPageResult,
  type ReminderCursor,
  type RenewalRemindersInput,
  type RenewalRemindersSummary,
} from '@fleet/license-contracts';

// One page per call, idempotent (each reminder has its key): a database outage is retried (1 s
// backing off to 30 s) for up to 4 hours, then the run fails with the reason and the next day's run
// sends what is still due (the nearest reminder of a missed day). Unbounded, a stuck run would make
// the daily schedule (overlap: skip) skip every run after it. Bad data fails the first attempt
// (the worker makes PostgreSQL data errors and validation failures non-retryable).
const { queueRemindersPage } = proxyActivities<LicenseActivities>({
  startToCloseTimeout: '2 minutes',
  scheduleToCloseTimeout: '4 hours',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds' },
});

/**
 * Queues renewal reminders due on the run date (30, 15 and 7 days before a renewal date by
 * default), once each per license and renewal date, a page of licenses per activity call.
 */
export async function licenseRenewalRemindersWorkflow(input: RenewalRemindersInput = {}): Promise<RenewalRemindersSummary> {
  const { reminders } = licenseDomain.workflows;
  const options = parseInput(reminders.type, reminders.input, input);
  const runDate = options.runDate ?? dayInTimeZone(new Date(), LICENSE_TIME_ZONE);
  const batchSize = options.batchSize ?? REMINDER_DEFAULTS.batchSize;
  const offsetsDays = [...(options.offsetsDays ?? REMINDER_DEFAULTS.offsetsDays)];

  const summary: RenewalRemindersSummary = { runDate, offsetsDays, licensesScanned: 0, remindersQueued: 0, pages: 0 };
  let after: ReminderCursor | null = null;
  for (;;) {
    const page: QueueRemindersPageResult = await queueRemindersPage({ runDate, offsetsDays, after, limit: batchSize });
    summary.pages += 1;
    summary.licensesScanned += page.scanned;
    summary.remindersQueued += page.queued;
    if (page.scanned < batchSize || !page.last) break;
    after = page.last;
  }
  return summary;
}
