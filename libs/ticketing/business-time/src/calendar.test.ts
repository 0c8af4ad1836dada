import { ApplicationFailure } from '@temporalio/common';
import { addBusinessTime, INVALID_CALENDAR, parseCalendar } from './index';

const nineToFive = [{ start: '09:00', end: '17:00' }];
const valid = { timeZone: 'Europe/Lisbon', week: { mon: nineToFive } };

/** The message of the failure parseCalendar throws for the input. */
function problems(input: unknown): string {
  try {
    parseCalendar(input);
  } catch (e) {
    expect(e).toBeInstanceOf(ApplicationFailure);
    expect((e as ApplicationFailure).type).toBe(INVALID_CALENDAR);
    expect((e as ApplicationFailure).nonRetryable).toBe(true);
    return (e as ApplicationFailure).message;
  }
  throw new Error('the calendar was accepted');
}

describe('parseCalendar', () => {
  it('fills in the defaults: days without windows are closed, public holidays only', () => {
    const calendar = parseCalendar({ ...valid, holidays: { country: 'PT' } });
    expect(calendar.week.sun).toEqual([]);
    expect(calendar.holidays?.types).toEqual(['public']);
    expect(calendar.customHolidays).toEqual([]);
    expect(calendar.halfDays).toEqual([]);
  });

  it('accepts touching windows, windows ending at 24:00, and links such as US/Eastern', () => {
    expect(() => parseCalendar({ timeZone: 'US/Eastern', week: { fri: [{ start: '09:00', end: '12:00' }, { start: '12:00', end: '24:00' }] } })).not.toThrow();
  });

  it.each([
    ['overlapping windows', { ...valid, week: { tue: [{ start: '09:00', end: '12:00' }, { start: '11:00', end: '13:00' }] } }, 'week.tue: windows 09:00-12:00 and 11:00-13:00 overlap'],
    ['a window ending before it starts', { ...valid, week: { wed: [{ start: '17:00', end: '09:00' }] } }, 'week.wed.0: window 17:00-09:00 does not end after it starts'],
    ['an empty window', { ...valid, week: { wed: [{ start: '09:00', end: '09:00' }] } }, 'week.wed.0: window 09:00-09:00 does not end after it starts'],
    ['a time that is not one', { ...valid, week: { thu: [{ start: '9:00', end: '25:00' }] } }, 'week.thu.0.start: expected a time of day HH:MM, 00:00 to 24:00; week.thu.0.end: expected a time of day'],
    ['a week without any window', { timeZone: 'Europe/Lisbon', week: { sat: [] } }, 'week: the week has no working window'],
    ['an unknown weekday', { ...valid, week: { monday: nineToFive } }, 'week.monday: unknown field'],
    ['an unknown zone', { ...valid, timeZone: 'Mars/Olympus_Mons' }, 'timeZone: unknown IANA time zone "Mars/Olympus_Mons"'],
    ['an offset instead of a zone', { ...valid, timeZone: '+05:30' }, 'timeZone: unknown IANA time zone "+05:30"'],
    ['an unknown country', { ...valid, holidays: { country: 'XX' } }, 'holidays: unknown holiday country "XX"'],
    ['an unknown state', { ...valid, holidays: { country: 'US', state: 'ZZ' } }, 'holidays: unknown holiday state "ZZ" of US'],
    ['a region without its state', { ...valid, holidays: { country: 'DE', region: 'A' } }, 'holidays: a holiday region needs its state'],
    ['an unknown holiday type', { ...valid, holidays: { country: 'US', types: ['federal'] } }, 'holidays.types.0:'],
    ['a date that does not exist', { ...valid, customHolidays: ['2026-02-30'] }, 'customHolidays.0: expected a real calendar date YYYY-MM-DD'],
    ['a half day given twice', { ...valid, halfDays: [{ date: '2026-12-24', windows: [] }, { date: '2026-12-24', windows: nineToFive }] }, 'halfDays: 2026-12-24 is given twice'],
  ])('refuses %s, naming the field', (_what, input, message) => {
    expect(problems(input)).toContain(message);
  });

  it('names every problem at once', () => {
    const message = problems({ timeZone: 'Nowhere', week: { mon: [{ start: '10:00', end: '09:00' }] }, holidays: { country: 'XX' } });
    expect(message).toMatch(/^invalid calendar: /);
    expect(message).toContain('timeZone: unknown IANA time zone "Nowhere"');
    expect(message).toContain('week.mon.0: window 10:00-09:00 does not end after it starts');
    expect(message).toContain('holidays: unknown holiday country "XX"');
  });

  it('is what every engine function applies to its calendar', () => {
    expect(() => addBusinessTime({ ...valid, timeZone: 'Nowhere' }, 0, 1)).toThrow('timeZone: unknown IANA time zone "Nowhere"');
  });
});
