import type { CalendarInput, WorkingWindow } from '../src';

/** The instant of an ISO 8601 string with its offset: expected values are written as local time + offset. */
export const at = (iso: string): number => {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw new Error(`bad instant ${iso}`);
  return ms;
};

export const HOUR = 3_600_000;
export const MINUTE = 60_000;

const nineToFive: WorkingWindow[] = [{ start: '09:00', end: '17:00' }];

/** Monday to Friday, 09:00-17:00 local. */
export function officeHours(timeZone: string, extra: Partial<CalendarInput> = {}): CalendarInput {
  return { timeZone, week: { mon: nineToFive, tue: nineToFive, wed: nineToFive, thu: nineToFive, fri: nineToFive }, ...extra };
}

/** Every day, all day. */
export function allDay(timeZone: string): CalendarInput {
  const day = [{ start: '00:00', end: '24:00' }];
  return { timeZone, week: { mon: day, tue: day, wed: day, thu: day, fri: day, sat: day, sun: day } };
}

/** Only Sundays, in the small hours, where the DST changes happen. */
export function sundayNights(timeZone: string, start = '01:00', end = '03:00'): CalendarInput {
  return { timeZone, week: { sun: [{ start, end }] } };
}
