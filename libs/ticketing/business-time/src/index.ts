/**
 * Business time for SLAs: pure, deterministic, and safe in workflow code (no IO, no Node built-ins,
 * no Intl). Its time-zone data (@js-joda/timezone, tzdb 2026a) and holiday rules (date-holidays) are
 * pinned with the code, so a replay on a worker with other system time-zone data gets the same answer.
 *
 * A calendar (see `calendarSchema`) has working windows per weekday in local wall-clock time
 * ('09:00'-'12:00', '13:00'-'17:00'; '24:00' ends a day), an IANA zone, public holidays from
 * date-holidays by country, state and region (types: public by default), custom holidays (whole
 * days) and half days (a date with its own windows). Half days replace their weekday's windows;
 * holidays then close what they cover (a custom holiday the whole day, a public one its hours,
 * e.g. Christmas Eve in Germany from 14:00 when bank holidays are included).
 *
 * Business time is every instant whose local wall-clock time falls in a window of its local day:
 * - spring forward: a window over the skipped hour is that much shorter (01:00-03:00 in New York on
 *   the day clocks jump from 02:00 to 03:00 holds 1 hour; in Lord Howe, where they jump from 02:00
 *   to 02:30, 1.5 hours); a window wholly inside the skipped hour holds none;
 * - fall back: the repeated local times count both times (01:00-03:00 holds 3 hours in New York).
 * Windows include their start and exclude their end.
 *
 * - `addBusinessTime(calendar, start, ms)`: the due time; on the end of a window when the duration
 *   fills it exactly; `start` itself for 0.
 * - `businessTimeBetween(calendar, from, to)`: business ms in [from, to) (negative if to < from).
 *   `businessTimeBetween(c, s, addBusinessTime(c, s, d)) === d`.
 * - `isBusinessTime`, `nextBusinessInstant`, `businessWindows` (the unbroken stretches in a span).
 *
 * Each function validates the calendar (a non-retryable `InvalidCalendar` failure naming each
 * problem) and caches what it compiles from it and its holidays by content, in bounded memory.
 * Whole plain weeks are skipped at once: a duration of hundreds of business days takes a few ms.
 *
 * Workflow bundles preload this lib: evaluated once per worker, shared by every run and its exports
 * deep-frozen by the SDK. So it exports functions and constants only, no zod schema (a frozen schema
 * cannot parse): `calendarSchema()` hands out the calendar's.
 */
export { addBusinessTime, businessTimeBetween, businessWindows, isBusinessTime, nextBusinessInstant, type Instant } from './business-time';
export { calendarSchema, parseCalendar, INVALID_CALENDAR, WEEKDAYS, type Calendar, type CalendarInput, type Weekday, type WorkingWindow } from './calendar';
export { HOLIDAY_TYPES, type HolidayType } from './holidays';
export { isKnownTimeZone, TZDB_VERSION } from './time-zone';
