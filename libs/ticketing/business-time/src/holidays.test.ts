/**
 * Golden tests for holidays: public ones from date-holidays across a holiday weekend and across New
 * Year, partial-day and evening-before holidays, half days and custom holidays. Office hours are
 * 09:00-17:00 Monday to Friday unless said otherwise; the comments count the business hours by hand.
 */
import { addBusinessTime, businessTimeBetween, isBusinessTime, type CalendarInput } from './index';
import { at, HOUR, officeHours } from '../test/calendars';

const due = (calendar: CalendarInput, start: string, hours: number) => addBusinessTime(calendar, at(start), hours * HOUR).toISOString();
const iso = (local: string) => new Date(at(local)).toISOString();

describe('a 3-business-day target started on the Friday afternoon before a Monday public holiday', () => {
  it('US Labor Day (Monday 2026-09-07) pushes it to Thursday', () => {
    const us = officeHours('America/New_York', { holidays: { country: 'US' } });
    // Fri 15:00-17:00 2h, Mon closed, Tue 8h (10), Wed 8h (18), Thu 09:00 + 6h = 15:00 EDT.
    expect(due(us, '2026-09-04T15:00-04:00', 24)).toBe(iso('2026-09-10T15:00-04:00'));
    expect(isBusinessTime(us, at('2026-09-07T12:00-04:00'))).toBe(false);
    // The same calendar without holidays: Fri 2h, Mon 8h, Tue 8h (18), Wed 09:00 + 6h.
    expect(due(officeHours('America/New_York'), '2026-09-04T15:00-04:00', 24)).toBe(iso('2026-09-09T15:00-04:00'));
  });

  it("England's summer bank holiday (Monday 2026-08-31) is not Scotland's (Monday 2026-08-03)", () => {
    const england = officeHours('Europe/London', { holidays: { country: 'GB', state: 'ENG' } });
    const scotland = officeHours('Europe/London', { holidays: { country: 'GB', state: 'SCT' } });
    // England: Fri 14:00-17:00 3h, Mon closed, Tue 8h (11), Wed 8h (19), Thu 09:00 + 5h = 14:00 BST.
    expect(due(england, '2026-08-28T14:00+01:00', 24)).toBe(iso('2026-09-03T14:00+01:00'));
    // Scotland works that Monday: Fri 3h, Mon 8h (11), Tue 8h (19), Wed 09:00 + 5h.
    expect(due(scotland, '2026-08-28T14:00+01:00', 24)).toBe(iso('2026-09-02T14:00+01:00'));
  });
});

describe('across New Year', () => {
  it('US: New Year’s Day 2027 is a Friday, so 10 hours from Wednesday 16:00 end on Monday', () => {
    const us = officeHours('America/New_York', { holidays: { country: 'US' } });
    // Wed 2026-12-30 16:00-17:00 1h, Thu 12-31 8h (New Year's Eve is an observance, a working day) = 9h,
    // Fri 01-01 closed, the weekend, Mon 2027-01-04 09:00 + 1h.
    expect(due(us, '2026-12-30T16:00-05:00', 10)).toBe(iso('2027-01-04T10:00-05:00'));
    expect(businessTimeBetween(us, at('2026-12-30T16:00-05:00'), at('2027-01-04T10:00-05:00'))).toBe(10 * HOUR);
  });

  it('Germany with bank holidays closes Christmas Eve and New Year’s Eve from 14:00', () => {
    const withBank = officeHours('Europe/Berlin', { holidays: { country: 'DE', types: ['public', 'bank'] } });
    const publicOnly = officeHours('Europe/Berlin', { holidays: { country: 'DE' } });
    const [from, to] = [at('2026-12-21T00:00+01:00'), at('2027-01-04T00:00+01:00')];
    // Mon 21, Tue 22, Wed 23: 24h; Thu 24: 09:00-14:00 5h; Fri 25 closed; Mon 28, Tue 29, Wed 30: 24h;
    // Thu 31: 5h; Fri 2027-01-01 closed. 48 + 10 = 58h; with public holidays only 24th and 31st are whole: 64h.
    expect(businessTimeBetween(withBank, from, to)).toBe(58 * HOUR);
    expect(businessTimeBetween(publicOnly, from, to)).toBe(64 * HOUR);
    expect(isBusinessTime(withBank, at('2026-12-24T13:59+01:00'))).toBe(true);
    expect(isBusinessTime(withBank, at('2026-12-24T14:00+01:00'))).toBe(false);
  });
});

describe('holidays that do not start at midnight', () => {
  it('Yom Kippur 2026 runs from Sunday 18:00 to Monday 18:00 in Israel', () => {
    const day = [{ start: '08:00', end: '20:00' }];
    const israel: CalendarInput = { timeZone: 'Asia/Jerusalem', week: { sun: day, mon: day, tue: day, wed: day, thu: day }, holidays: { country: 'IL' } };
    // Sun 2026-09-20 08:00-18:00 10h, Mon 09-21 18:00-20:00 2h (IDT, +03:00).
    expect(businessTimeBetween(israel, at('2026-09-20T00:00+03:00'), at('2026-09-22T00:00+03:00'))).toBe(12 * HOUR);
    expect(isBusinessTime(israel, at('2026-09-20T17:59+03:00'))).toBe(true);
    expect(isBusinessTime(israel, at('2026-09-21T17:59+03:00'))).toBe(false);
    expect(isBusinessTime(israel, at('2026-09-21T18:00+03:00'))).toBe(true);
  });

  it('a holiday of the next year that begins on the evening of 31 December closes that evening', () => {
    // The fast of 10 Tevet is dated 2034-01-01 and begins at 18:00 on Saturday 2033-12-31 (IST, +02:00):
    // a Saturday 08:00-20:00 window keeps 08:00-18:00.
    const israel: CalendarInput = { timeZone: 'Asia/Jerusalem', week: { sat: [{ start: '08:00', end: '20:00' }] }, holidays: { country: 'IL', types: ['observance'] } };
    expect(businessTimeBetween(israel, at('2033-12-31T00:00+02:00'), at('2034-01-01T00:00+02:00'))).toBe(10 * HOUR);
  });
});

describe('half days and custom holidays', () => {
  it('a half day replaces its weekday’s windows', () => {
    const us = officeHours('America/New_York', { holidays: { country: 'US' }, halfDays: [{ date: '2026-12-24', windows: [{ start: '09:00', end: '13:00' }] }] });
    // Thu 12-24 12:00-13:00 1h, Fri 12-25 Christmas, Mon 12-28 09:00 + 1h.
    expect(due(us, '2026-12-24T12:00-05:00', 2)).toBe(iso('2026-12-28T10:00-05:00'));
    expect(businessTimeBetween(us, at('2026-12-24T00:00-05:00'), at('2026-12-25T00:00-05:00'))).toBe(4 * HOUR);
  });

  it('a half day can open a weekend day', () => {
    const india = officeHours('Asia/Kolkata', { halfDays: [{ date: '2026-03-28', windows: [{ start: '10:00', end: '12:00' }] }] });
    // Fri 16:00-17:00 1h, Sat 10:00 + 1h.
    expect(due(india, '2026-03-27T16:00+05:30', 2)).toBe(iso('2026-03-28T11:00+05:30'));
  });

  it('a custom holiday closes the whole day', () => {
    const india = officeHours('Asia/Kolkata', { customHolidays: ['2026-03-30'] });
    // Fri 16:00-17:00 1h, Mon 03-30 closed, Tue 09:00 + 1h.
    expect(due(india, '2026-03-27T16:00+05:30', 2)).toBe(iso('2026-03-31T10:00+05:30'));
    // A custom holiday wins over a half day on the same date.
    const both = officeHours('Asia/Kolkata', { customHolidays: ['2026-03-30'], halfDays: [{ date: '2026-03-30', windows: [{ start: '09:00', end: '13:00' }] }] });
    expect(businessTimeBetween(both, at('2026-03-30T00:00+05:30'), at('2026-03-31T00:00+05:30'))).toBe(0);
  });
});
