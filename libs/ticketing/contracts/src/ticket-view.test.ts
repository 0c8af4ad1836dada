import { parseCalendar } from '@fleet/ticketing-business-time';
import type { SlaClockView, TicketView } from './ticket';
import { ticketViewAt } from './ticket-view';

const HOUR = 3_600_000;
const calendar = parseCalendar({ timeZone: 'UTC', week: { mon: [{ start: '09:00', end: '17:00' }], tue: [{ start: '09:00', end: '17:00' }] } });
const clock = (over: Partial<SlaClockView>): SlaClockView => ({
  clock: 'solution', cycle: 1, status: 'running', targetMs: 4 * HOUR, elapsedMs: HOUR, remainingMs: 3 * HOUR, dueAt: '2026-03-02T14:00:00.000Z',
  paused: false, warning: false, breached: false, startedAt: '2026-03-02T09:00:00.000Z', endedAt: null, ...over,
});
const view = { asOf: '2026-03-02T10:00:00.000Z', calendar, clocks: [clock({}), clock({ clock: 'firstResponse', status: 'paused', paused: true, dueAt: null })] } as unknown as TicketView;

describe('ticketViewAt', () => {
  it('counts running clocks forward in business time (overnight not counted), paused ones not', () => {
    const later = ticketViewAt(view, new Date('2026-03-03T10:00:00Z')); // Monday 10:00 -> Tuesday 10:00: 8 business hours
    expect(later.asOf).toBe('2026-03-03T10:00:00.000Z');
    expect(later.clocks[0]).toMatchObject({ elapsedMs: 9 * HOUR, remainingMs: -5 * HOUR, breached: true, dueAt: '2026-03-02T14:00:00.000Z' });
    expect(later.clocks[1]).toEqual(view.clocks[1]);
  });

  it('leaves a view alone at or before its own time, or without a calendar', () => {
    expect(ticketViewAt(view, new Date('2026-03-02T09:00:00Z'))).toBe(view);
    const none = { ...view, calendar: null };
    expect(ticketViewAt(none, new Date('2026-03-05T09:00:00Z'))).toBe(none);
  });
});
