import { ApplicationFailure } from '@temporalio/workflow';
import { dayInTimeZone, isIsoDate, LICENSE_TIME_ZONE, type IsoDate } from '@fleet/license-contracts';

/** Fails the workflow (no retry) when a numeric option is outside its bounds. */
export function bounded(name: string, value: number | undefined, fallback: number, limits: { min: number; max: number }): number {
  const v = value ?? fallback;
  if (!Number.isInteger(v) || v < limits.min || v > limits.max) {
    throw ApplicationFailure.nonRetryable(
      `${name} must be an integer from ${limits.min} to ${limits.max}, got ${String(value)}`,
      'InvalidInput',
    );
  }
  return v;
}

/** The given day, or today in the license domain's time zone (workflow time, so replay-safe). */
export function dayOrToday(name: string, value: IsoDate | undefined): IsoDate {
  if (value === undefined) return dayInTimeZone(new Date(), LICENSE_TIME_ZONE);
  if (!isIsoDate(value)) throw ApplicationFailure.nonRetryable(`${name} must be a date YYYY-MM-DD, got ${value}`, 'InvalidInput');
  return value;
}
