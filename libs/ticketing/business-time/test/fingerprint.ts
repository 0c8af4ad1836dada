/**
 * Prints, as JSON, what the engine answers for a fixed set of questions: due times and business time
 * on calendars with holidays and DST, and the holiday ranges of every country date-holidays knows for
 * 2026 (a year with clocks skipping midnight in Havana, Cairo and Santiago). determinism.test.ts runs
 * it under several host time zones and compares the answers.
 * Also prints date-holidays' own date string for a holiday on 2026-03-08 (the night Havana's clocks
 * skip midnight), which does depend on the host, to show what the engine has to correct.
 */
import Holidays from 'date-holidays';
import { addBusinessTime, businessTimeBetween, HOLIDAY_TYPES, type CalendarInput } from '../src';
import { holidayRanges } from '../src/holidays';
import { officeHours, sundayNights } from './calendars';

const calendars: CalendarInput[] = [
  officeHours('America/New_York', { holidays: { country: 'US' } }),
  officeHours('Europe/Berlin', { holidays: { country: 'DE', state: 'BY', types: ['public', 'bank'] } }),
  officeHours('America/Havana', { holidays: { country: 'CU' } }),
  officeHours('America/Santiago', { holidays: { country: 'CL' } }),
  sundayNights('Australia/Lord_Howe', '00:00', '04:00'),
];
const starts = ['2026-03-06T20:00Z', '2026-09-04T19:00Z', '2026-12-30T21:00Z', '2027-10-29T12:00Z'].map(Date.parse);

const dues = calendars.flatMap((calendar) =>
  starts.flatMap((start) =>
    [0, 3_600_000, 24 * 3_600_000, 800 * 3_600_000].map((ms) => {
      const due = addBusinessTime(calendar, start, ms);
      return [due.toISOString(), businessTimeBetween(calendar, start, start + 45 * 86_400_000)];
    }),
  ),
);

const countries = Object.keys(new Holidays().getCountries());
const ranges = countries.map((country) => [country, holidayRanges({ country, types: HOLIDAY_TYPES }, 2026)]);

// Angola's International Women's Day, on the night Havana's clocks skip midnight.
const rawOnHavanaGapDay = new Holidays('AO', { timezone: 'UTC' })
  .getHolidays(2026)
  .filter((h) => h.date.startsWith('2026-03-08'))
  .map((h) => `AO ${h.date}`);

process.stdout.write(JSON.stringify({ dues, ranges, rawOnHavanaGapDay }));
