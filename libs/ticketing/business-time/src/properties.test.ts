/**
 * Properties that hold for any calendar, start and duration, checked on seeded pseudo-random cases
 * over calendars with holidays, half days, split shifts and DST; plus edge cases and long durations.
 */
import { addBusinessTime, businessTimeBetween, businessWindows, isBusinessTime, nextBusinessInstant, type CalendarInput } from './index';
import { at, HOUR, MINUTE, officeHours, sundayNights } from '../test/calendars';

const split = [
  { start: '09:00', end: '12:00' },
  { start: '13:00', end: '17:30' },
];
const nights = [
  { start: '00:00', end: '03:00' },
  { start: '22:00', end: '24:00' },
];
/** Each calendar, and the longest duration tried on it: about 120 working days, or two years of Sunday nights. */
const calendars: Record<string, [CalendarInput, number]> = {
  'New York, split shifts, US holidays': [{ timeZone: 'America/New_York', week: { mon: split, tue: split, wed: split, thu: split, fri: split }, holidays: { country: 'US' } }, 900 * HOUR],
  'London, England bank holidays, a half day and a custom holiday': [
    officeHours('Europe/London', {
      holidays: { country: 'GB', state: 'ENG' },
      customHolidays: ['2026-12-31'],
      halfDays: [{ date: '2026-12-24', windows: [{ start: '09:00', end: '12:30' }] }],
    }),
    960 * HOUR,
  ],
  'Berlin, nights over the DST hours, bank holidays': [{ timeZone: 'Europe/Berlin', week: { fri: nights, sat: nights, sun: nights }, holidays: { country: 'DE', types: ['public', 'bank'] } }, 600 * HOUR],
  'Lord Howe, Sunday nights': [sundayNights('Australia/Lord_Howe', '01:00', '03:00'), 200 * HOUR],
};

/** A seeded generator (a linear congruential one): the same cases on every run. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

describe.each(Object.entries(calendars))('%s', (_name, [calendar, longest]) => {
  const next = random(42);
  const [first, last] = [at('2026-01-01T00:00Z'), at('2027-12-31T00:00Z')];
  const cases = Array.from({ length: 60 }, () => ({
    start: Math.floor(first + next() * (last - first)),
    // To the minute, and sometimes exactly 0.
    duration: next() < 0.1 ? 0 : Math.floor((next() * longest) / MINUTE) * MINUTE,
  }));

  it('businessTimeBetween(start, addBusinessTime(start, d)) is d', () => {
    for (const { start, duration } of cases) {
      expect(businessTimeBetween(calendar, start, addBusinessTime(calendar, start, duration))).toBe(duration);
    }
  });

  it('the due time closes business time: the ms before it is business time', () => {
    for (const { start, duration } of cases.filter((c) => c.duration > 0)) {
      expect(isBusinessTime(calendar, addBusinessTime(calendar, start, duration).getTime() - 1)).toBe(true);
    }
  });

  it('a longer duration is never due earlier, and between is antisymmetric', () => {
    for (const { start, duration } of cases) {
      const due = addBusinessTime(calendar, start, duration).getTime();
      expect(addBusinessTime(calendar, start, duration + MINUTE).getTime()).toBeGreaterThan(due);
      expect(businessTimeBetween(calendar, due, start)).toBe(0 - duration);
    }
  });

  it('agrees with a plain walk over businessWindows, which skips no weeks', () => {
    for (const { start, duration } of cases.slice(0, 10)) {
      let remaining = duration;
      let due: number | undefined;
      for (const w of businessWindows(calendar, start, start + 3 * 366 * 24 * HOUR)) {
        const length = w.end.getTime() - w.start.getTime();
        if (length >= remaining) {
          due = w.start.getTime() + remaining;
          break;
        }
        remaining -= length;
      }
      expect(addBusinessTime(calendar, start, duration).getTime()).toBe(duration === 0 ? start : due);
    }
  });
});

describe('edge cases', () => {
  const kolkata = officeHours('Asia/Kolkata');

  it('a duration of 0 is due at the start, even outside business hours', () => {
    expect(addBusinessTime(kolkata, at('2026-03-28T23:00+05:30'), 0).getTime()).toBe(at('2026-03-28T23:00+05:30'));
  });

  it('a start outside business hours counts from the next window', () => {
    // Saturday night: nothing until Monday 09:00; one hour later is 10:00.
    expect(addBusinessTime(kolkata, at('2026-03-28T23:00+05:30'), HOUR).getTime()).toBe(at('2026-03-30T10:00+05:30'));
    expect(nextBusinessInstant(kolkata, at('2026-03-28T23:00+05:30')).getTime()).toBe(at('2026-03-30T09:00+05:30'));
  });

  it('a duration filling a window exactly is due at its end, not at the next start', () => {
    expect(addBusinessTime(kolkata, at('2026-03-27T09:00+05:30'), 8 * HOUR).getTime()).toBe(at('2026-03-27T17:00+05:30'));
  });

  it('a window includes its start and excludes its end', () => {
    expect(isBusinessTime(kolkata, at('2026-03-27T09:00+05:30'))).toBe(true);
    expect(isBusinessTime(kolkata, at('2026-03-27T17:00+05:30'))).toBe(false);
    expect(isBusinessTime(kolkata, at('2026-03-27T16:59:59.999+05:30'))).toBe(true);
    expect(nextBusinessInstant(kolkata, at('2026-03-27T10:00+05:30')).getTime()).toBe(at('2026-03-27T10:00+05:30'));
  });

  it('takes Dates and epoch milliseconds alike, and refuses what is neither an instant nor a duration', () => {
    expect(addBusinessTime(kolkata, new Date(at('2026-03-27T09:00+05:30')), HOUR)).toEqual(addBusinessTime(kolkata, at('2026-03-27T09:00+05:30'), HOUR));
    expect(() => addBusinessTime(kolkata, Number.NaN, HOUR)).toThrow(RangeError);
    expect(() => addBusinessTime(kolkata, 0, -1)).toThrow(RangeError);
    expect(() => addBusinessTime(kolkata, 0, Number.POSITIVE_INFINITY)).toThrow(RangeError);
  });
});

describe('long durations', () => {
  it('500 business days of 8 hours from a Monday 09:00 end 100 weeks later on a Friday at 17:00', () => {
    // No holidays, no DST: 500 days are 100 whole weeks. The 100th Friday is 2026-01-09 + 99 weeks
    // (693 days): 357 days to 2027-01-01, then 336 more, day 337 of 2027, 3 December.
    const kolkata = officeHours('Asia/Kolkata');
    expect(addBusinessTime(kolkata, at('2026-01-05T09:00+05:30'), 500 * 8 * HOUR).getTime()).toBe(at('2027-12-03T17:00+05:30'));
    expect(businessTimeBetween(kolkata, at('2026-01-05T09:00+05:30'), at('2027-12-03T17:00+05:30'))).toBe(500 * 8 * HOUR);
  });

  it('hundreds of business days with holidays and DST take milliseconds, not seconds', () => {
    const us = officeHours('America/New_York', { holidays: { country: 'US' } });
    addBusinessTime(us, at('2026-01-05T09:00-05:00'), 8 * HOUR); // computes the holidays of the first years once
    const started = performance.now();
    for (let i = 0; i < 10; i++) addBusinessTime(us, at('2026-01-05T09:00-05:00') + i * HOUR, 500 * 8 * HOUR);
    // About 2-15 ms a call on an idle 2-core machine; a minute-by-minute walk would take seconds.
    expect((performance.now() - started) / 10).toBeLessThan(500);
  });
});
