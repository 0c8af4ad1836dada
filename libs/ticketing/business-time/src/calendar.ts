/**
 * A business calendar: working windows per weekday in local wall-clock time, its IANA time zone,
 * public holidays from date-holidays, custom holidays and half days. Validated with errors that
 * name the field and the problem.
 */
import { ApplicationFailure } from '@temporalio/common';
import { describeIssues, isoDateSchema } from '@fleet/shared-domain';
import { z } from 'zod';
import { HOLIDAY_TYPES, unknownHolidayPlace } from './holidays';
import { isKnownTimeZone } from './time-zone';

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** 'HH:MM', 00:00 to 23:59; '24:00' ends a window at midnight. */
const timeOfDaySchema = z.string().regex(/^(?:(?:[01]\d|2[0-3]):[0-5]\d|24:00)$/, 'expected a time of day HH:MM, 00:00 to 24:00');

const windowSchema = z.object({ start: timeOfDaySchema, end: timeOfDaySchema }).strict();
export type WorkingWindow = z.output<typeof windowSchema>;

/** A day's windows: each ends after it starts, and none overlaps another (touching is fine). */
const windowsSchema = z
  .array(windowSchema)
  .max(48, 'at most 48 windows a day')
  .superRefine((windows, ctx) => {
    windows.forEach((w, i) => {
      if (w.end <= w.start) ctx.addIssue({ code: 'custom', path: [i], message: `window ${w.start}-${w.end} does not end after it starts` });
    });
    const sorted = windows.filter((w) => w.end > w.start).sort((a, b) => a.start.localeCompare(b.start));
    sorted.forEach((b, i) => {
      const a = sorted[i - 1];
      if (a && b.start < a.end) ctx.addIssue({ code: 'custom', message: `windows ${a.start}-${a.end} and ${b.start}-${b.end} overlap` });
    });
  });

const weekSchema = z
  .object(Object.fromEntries(WEEKDAYS.map((d) => [d, windowsSchema.default([])])) as Record<Weekday, z.ZodDefault<typeof windowsSchema>>)
  .strict()
  .refine((week) => WEEKDAYS.some((d) => week[d].some((w) => w.end > w.start)), 'the week has no working window');

const holidaySourceSchema = z
  .object({
    /** date-holidays' codes: country 'US', state 'CA', region (within the state). */
    country: z.string().min(2).max(3),
    state: z.string().min(1).max(10).optional(),
    region: z.string().min(1).max(10).optional(),
    types: z.array(z.enum(HOLIDAY_TYPES)).min(1).default(['public']),
  })
  .strict()
  .superRefine((source, ctx) => {
    const problem = unknownHolidayPlace(source);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });

const halfDaySchema = z.object({ date: isoDateSchema, windows: windowsSchema }).strict();

// Not exported as such: workflow bundles preload this lib (shared by every run, its exports deep-frozen
// by the SDK), and a frozen zod schema cannot parse. `calendarSchema()` hands it out.
const calendar = z
  .object({
    timeZone: z.string().superRefine((name, ctx) => {
      if (!isKnownTimeZone(name)) ctx.addIssue({ code: 'custom', message: `unknown IANA time zone "${name}"` });
    }),
    week: weekSchema,
    holidays: holidaySourceSchema.optional(),
    customHolidays: z.array(isoDateSchema).max(2000).default([]),
    halfDays: z
      .array(halfDaySchema)
      .max(2000)
      .default([])
      .superRefine((days, ctx) => {
        const seen = new Set<string>();
        for (const { date } of days) {
          if (seen.has(date)) ctx.addIssue({ code: 'custom', message: `${date} is given twice` });
          seen.add(date);
        }
      }),
  })
  .strict();

/** The calendar's schema (for schemas that embed one): one instance, built once. */
export function calendarSchema(): typeof calendar {
  return calendar;
}

/** A calendar as given (days without windows and defaults may be left out). */
export type CalendarInput = z.input<typeof calendar>;
/** A validated calendar, defaults filled in. */
export type Calendar = z.output<typeof calendar>;

/** The error type of an invalid calendar: no retry fixes it. */
export const INVALID_CALENDAR = 'InvalidCalendar';

/**
 * The calendar validated, or a non-retryable `InvalidCalendar` failure naming every problem, e.g.
 * `week.mon: windows 09:00-12:00 and 11:00-13:00 overlap; timeZone: unknown IANA time zone "Mars/Base"`.
 */
export function parseCalendar(input: unknown): Calendar {
  const parsed = calendar.safeParse(input);
  if (parsed.success) return parsed.data;
  throw ApplicationFailure.create({ message: `invalid calendar: ${describeIssues(parsed.error)}`, type: INVALID_CALENDAR, nonRetryable: true });
}
