import { isBusinessTime, nextBusinessInstant, parseCalendar } from '@fleet/ticketing-business-time';
import { ApplicationFailure } from '@temporalio/common';

/**
 * Quiet hours: outside the working hours of the recipient's calendar a notification waits. Answers
 * when it may go (the next business instant), or undefined when it may go now (business time, or
 * a recipient without a calendar). An invalid calendar, or one with no business time ahead, is a
 * non-retryable failure: no retry fixes the configuration.
 */
export function quietUntil(calendar: unknown, now: Date): Date | undefined {
  if (calendar === null || calendar === undefined) return undefined;
  const parsed = parseCalendar(calendar);
  if (isBusinessTime(parsed, now)) return undefined;
  try {
    return nextBusinessInstant(parsed, now);
  } catch (err) {
    throw ApplicationFailure.create({ message: `the recipient's calendar has no working hours ahead: ${err instanceof Error ? err.message : String(err)}`, type: 'NoWorkingHours', nonRetryable: true });
  }
}
