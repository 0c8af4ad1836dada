import { addDays, dayInTimeZone, isIsoDate } from './dates';

describe('dates', () => {
  it('accepts only real calendar days', () => {
    expect(isIsoDate('2024-02-29')).toBe(true);
    expect(isIsoDate('2025-02-29')).toBe(false);
    expect(isIsoDate('2025-13-01')).toBe(false);
    expect(isIsoDate('2025-1-01')).toBe(false);
    expect(isIsoDate('yesterday')).toBe(false);
  });

  it('adds days across month and year ends', () => {
    expect(addDays('2025-12-31', 1)).toBe('2026-01-01');
    expect(addDays('2024-03-01', -1)).toBe('2024-02-29');
    expect(addDays('2025-06-15', 0)).toBe('2025-06-15');
  });

  it('finds the day in Asia/Kolkata, 5h30 ahead of UTC', () => {
    expect(dayInTimeZone(new Date('2025-06-15T18:29:59Z'), 'Asia/Kolkata')).toBe('2025-06-15');
    expect(dayInTimeZone(new Date('2025-06-15T18:30:00Z'), 'Asia/Kolkata')).toBe('2025-06-16');
  });
});
