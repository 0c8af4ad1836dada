/**
 * Golden tests across daylight saving changes, both ways, in three zones with DST (one of them
 * moving by 30 minutes) and one without. Every expected value is worked out by hand from the zone's
 * rules (tzdb 2026a) and written as local time with its offset; the comments say how.
 */
import { ZoneRulesProvider } from '@js-joda/core';
import { addBusinessTime, businessTimeBetween, businessWindows, isBusinessTime, nextBusinessInstant, TZDB_VERSION } from './index';
import { allDay, at, HOUR, MINUTE, officeHours, sundayNights } from '../test/calendars';

const windows = (calendar: Parameters<typeof businessWindows>[0], from: string, to: string) =>
  [...businessWindows(calendar, at(from), at(to))].map((w) => [w.start.toISOString(), w.end.toISOString()]);
const iso = (local: string) => new Date(at(local)).toISOString();

interface DstCase {
  zone: string;
  /** How the zone changes, from its rules. */
  rule: string;
  /** A local day, as [its midnight, the next midnight] with their offsets, and its length in hours. */
  springDay: [string, string, number];
  fallDay: [string, string, number];
  /** The Sunday 01:00-03:00 window on each of those days, as instants. */
  springNight: [string, string];
  fallNight: [string, string];
  /** Friday 16:00 before the change plus 2 business hours (09:00-17:00, Mon-Fri): Monday 10:00 after it. */
  springWeekend: [string, string];
  fallWeekend: [string, string];
}

const cases: DstCase[] = [
  {
    zone: 'America/New_York',
    rule: 'EST -05:00 / EDT -04:00; 2026-03-08 02:00 EST -> 03:00 EDT; 2026-11-01 02:00 EDT -> 01:00 EST',
    springDay: ['2026-03-08T00:00-05:00', '2026-03-09T00:00-04:00', 23],
    fallDay: ['2026-11-01T00:00-04:00', '2026-11-02T00:00-05:00', 25],
    // 01:00-02:00 EST, then 03:00 EDT: one hour. Fall: 01:00 EDT through both 01:00-02:00 hours to 03:00 EST: three.
    springNight: ['2026-03-08T01:00-05:00', '2026-03-08T03:00-04:00'],
    fallNight: ['2026-11-01T01:00-04:00', '2026-11-01T03:00-05:00'],
    springWeekend: ['2026-03-06T16:00-05:00', '2026-03-09T10:00-04:00'],
    fallWeekend: ['2026-10-30T16:00-04:00', '2026-11-02T10:00-05:00'],
  },
  {
    zone: 'Europe/Berlin',
    rule: 'CET +01:00 / CEST +02:00; 2026-03-29 02:00 CET -> 03:00 CEST; 2026-10-25 03:00 CEST -> 02:00 CET',
    springDay: ['2026-03-29T00:00+01:00', '2026-03-30T00:00+02:00', 23],
    fallDay: ['2026-10-25T00:00+02:00', '2026-10-26T00:00+01:00', 25],
    // Spring: 01:00-02:00 CET, then the clock reads 03:00: one hour. Fall: 01:00 CEST, 02:00-03:00 twice: three.
    springNight: ['2026-03-29T01:00+01:00', '2026-03-29T03:00+02:00'],
    fallNight: ['2026-10-25T01:00+02:00', '2026-10-25T03:00+01:00'],
    springWeekend: ['2026-03-27T16:00+01:00', '2026-03-30T10:00+02:00'],
    fallWeekend: ['2026-10-23T16:00+02:00', '2026-10-26T10:00+01:00'],
  },
  {
    zone: 'Australia/Lord_Howe',
    rule: '+10:30 / +11:00 (a 30-minute shift); 2026-04-05 02:00 +11 -> 01:30 +10:30; 2026-10-04 02:00 +10:30 -> 02:30 +11',
    // The southern spring is in October: the October day is 23.5 hours, the April one 24.5.
    springDay: ['2026-10-04T00:00+10:30', '2026-10-05T00:00+11:00', 23.5],
    fallDay: ['2026-04-05T00:00+11:00', '2026-04-06T00:00+10:30', 24.5],
    // October: 01:00-02:00 at +10:30, then 02:30-03:00 at +11: 1.5 hours. April: 01:00-02:00 at +11,
    // then 01:30-03:00 at +10:30: 2.5 hours.
    springNight: ['2026-10-04T01:00+10:30', '2026-10-04T03:00+11:00'],
    fallNight: ['2026-04-05T01:00+11:00', '2026-04-05T03:00+10:30'],
    springWeekend: ['2026-10-02T16:00+10:30', '2026-10-05T10:00+11:00'],
    fallWeekend: ['2026-04-03T16:00+11:00', '2026-04-06T10:00+10:30'],
  },
];

describe.each(cases)('$zone ($rule)', (c) => {
  it('a local day is as long as the clock says: 23 or 25 hours (23.5 or 24.5 in Lord Howe)', () => {
    for (const [from, to, hours] of [c.springDay, c.fallDay]) {
      expect(businessTimeBetween(allDay(c.zone), at(from), at(to))).toBe(hours * HOUR);
      expect(addBusinessTime(allDay(c.zone), at(from), hours * HOUR).toISOString()).toBe(iso(to));
    }
  });

  it('a window over the skipped time is shorter, over the repeated time longer', () => {
    const calendar = sundayNights(c.zone);
    expect(windows(calendar, c.springDay[0], c.springDay[1])).toEqual([c.springNight.map(iso)]);
    expect(windows(calendar, c.fallDay[0], c.fallDay[1])).toEqual([c.fallNight.map(iso)]);
    expect(businessTimeBetween(calendar, at(c.springDay[0]), at(c.springDay[1]))).toBe(2 * HOUR - (c.springDay[2] === 23 ? HOUR : 30 * MINUTE));
    expect(businessTimeBetween(calendar, at(c.fallDay[0]), at(c.fallDay[1]))).toBe(2 * HOUR + (c.fallDay[2] === 25 ? HOUR : 30 * MINUTE));
  });

  it('office hours over the weekend of the change keep their local times on Monday', () => {
    for (const [start, due] of [c.springWeekend, c.fallWeekend]) {
      // Friday 16:00-17:00 is the first hour, Monday 09:00-10:00 local (new offset) the second.
      expect(addBusinessTime(officeHours(c.zone), at(start), 2 * HOUR).toISOString()).toBe(iso(due));
      expect(businessTimeBetween(officeHours(c.zone), at(start), at(due))).toBe(2 * HOUR);
    }
  });
});

describe('America/New_York, inside the changes', () => {
  it('a due time in the repeated hour is the first or the second 01:30, as the business time says', () => {
    // Sunday 00:00-04:00 on 2026-11-01 holds five hours: 00:00-02:00 EDT, then 01:00-04:00 EST.
    const calendar = sundayNights('America/New_York', '00:00', '04:00');
    const midnight = at('2026-11-01T00:00-04:00');
    expect(addBusinessTime(calendar, midnight, 90 * MINUTE).toISOString()).toBe(iso('2026-11-01T01:30-04:00'));
    expect(addBusinessTime(calendar, midnight, 150 * MINUTE).toISOString()).toBe(iso('2026-11-01T01:30-05:00'));
    expect(businessTimeBetween(calendar, midnight, at('2026-11-02T00:00-05:00'))).toBe(5 * HOUR);
  });

  it('a window wholly inside the skipped hour holds nothing that day', () => {
    const calendar = sundayNights('America/New_York', '02:00', '02:30');
    expect(businessTimeBetween(calendar, at('2026-03-08T00:00-05:00'), at('2026-03-09T00:00-04:00'))).toBe(0);
    expect(isBusinessTime(calendar, at('2026-03-08T03:15-04:00'))).toBe(false);
    // The next Sunday, 2026-03-15, has it whole.
    expect(nextBusinessInstant(calendar, at('2026-03-08T00:00-05:00')).toISOString()).toBe(iso('2026-03-15T02:00-04:00'));
  });
});

describe('Asia/Kolkata (+05:30, no DST), for contrast', () => {
  const zone = 'Asia/Kolkata';

  it('has 24-hour days on the dates the other zones change', () => {
    for (const day of ['2026-03-08', '2026-03-29', '2026-04-05', '2026-10-04', '2026-10-25', '2026-11-01']) {
      expect(businessTimeBetween(allDay(zone), at(`${day}T00:00+05:30`), at(`${day}T00:00+05:30`) + 24 * HOUR)).toBe(24 * HOUR);
    }
  });

  it('keeps Monday 10:00 at +05:30 for Friday 16:00 plus 2 hours', () => {
    expect(addBusinessTime(officeHours(zone), at('2026-03-27T16:00+05:30'), 2 * HOUR).toISOString()).toBe(iso('2026-03-30T10:00+05:30'));
  });
});

describe('the time-zone data', () => {
  it('is the pinned tzdb release, the full one: DST rules hold for years far ahead', () => {
    expect((ZoneRulesProvider as unknown as { getTzdbData(): { version: string } }).getTzdbData().version).toBe(TZDB_VERSION);
    // 2040-03-11, the second Sunday of March (1 March 2040 is a Thursday): 23 hours in New York. A
    // trimmed data pack (js-joda's 10-year range) would have no DST left by then.
    expect(businessTimeBetween(allDay('America/New_York'), at('2040-03-11T00:00-05:00'), at('2040-03-12T00:00-04:00'))).toBe(23 * HOUR);
  });
});
