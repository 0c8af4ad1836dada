import { dueReminderOffset } from './license-renewal-reminders';

describe('dueReminderOffset', () => {
  const offsets = [30, 15, 7];
  it.each([
    [31, undefined],
    [30, 30],
    [16, 30],
    [15, 15],
    [8, 15],
    [7, 7],
    [0, 7],
    [-1, undefined],
  ])('%i days left -> %s', (daysLeft, expected) => {
    expect(dueReminderOffset(daysLeft, offsets)).toBe(expected);
  });
});
