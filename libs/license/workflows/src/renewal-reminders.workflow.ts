import { ApplicationFailure, proxyActivities } from '@temporalio/workflow';
import {
  REMINDER_DEFAULTS,
  type LicenseActivities,
  type QueueRemindersPageResult,
  type ReminderCursor,
  type RenewalRemindersInput,
  type RenewalRemindersSummary,
} from '@fleet/license-contracts';
import { bounded, dayOrToday } from './input';

const { queueRemindersPage } = proxyActivities<LicenseActivities>({
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds' },
});

/**
 * Queues renewal reminders due on the run date (30, 15 and 7 days before a renewal date by
 * default), once each per license and renewal date, a page of licenses per activity call.
 */
export async function licenseRenewalRemindersWorkflow(input: RenewalRemindersInput = {}): Promise<RenewalRemindersSummary> {
  const runDate = dayOrToday('runDate', input.runDate);
  const batchSize = bounded('batchSize', input.batchSize, REMINDER_DEFAULTS.batchSize, { min: 1, max: 10_000 });
  const offsetsDays = [...(input.offsetsDays ?? REMINDER_DEFAULTS.offsetsDays)];
  if (!offsetsDays.length || offsetsDays.some((o) => !Number.isInteger(o) || o < 0 || o > 365)) {
    throw ApplicationFailure.nonRetryable(`offsetsDays must be whole days from 0 to 365, got ${JSON.stringify(offsetsDays)}`, 'InvalidInput');
  }

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
