import type { IsoDate } from '@fleet/shared-domain';

export interface RenewalRemindersInput {
  /** The day reminders are computed for. Default: today in Asia/Kolkata. */
  runDate?: IsoDate;
  /** Days before a renewal date at which a reminder is due, each sent once. Default [30, 15, 7]. */
  offsetsDays?: number[];
  batchSize?: number;
}

export interface RenewalRemindersSummary {
  runDate: IsoDate;
  offsetsDays: number[];
  licensesScanned: number;
  remindersQueued: number;
  pages: number;
}

export const REMINDER_DEFAULTS = { offsetsDays: [30, 15, 7], batchSize: 5000 } as const;

/**
 * The reminder a license is due on a day: the smallest offset not below the days left, so a
 * missed day still sends the nearest reminder, and each offset is sent at most once.
 * Undefined when the license is past due or further away than every offset.
 */
export function dueReminderOffset(daysLeft: number, offsetsDays: readonly number[]): number | undefined {
  if (daysLeft < 0) return undefined;
  const candidates = offsetsDays.filter((o) => o >= daysLeft);
  return candidates.length ? Math.min(...candidates) : undefined;
}

/** Reminder runs started by hand; scheduled runs use the declaration's id. */
export function licenseRenewalRemindersWorkflowId(runDate: IsoDate, nonce: string): string {
  return `license-renewal-reminders-${runDate}-${nonce}`;
}
