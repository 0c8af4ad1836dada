import { businessTimeBetween } from '@fleet/ticketing-business-time';
import type { TicketView } from './ticket';

/**
 * The view with its running clocks counted up to `now`. A query is answered with the workflow's
 * time of its last activity (a workflow has no clock of its own between activations), so a reader
 * brings the counts forward: elapsed and remaining business time, and the breach once it is due.
 * Due times need nothing: they hold while a clock runs.
 */
export function ticketViewAt(view: TicketView, now: Date): TicketView {
  const asOf = Date.parse(view.asOf);
  const { calendar } = view;
  if (!calendar || now.getTime() <= asOf) return view;
  const extra = businessTimeBetween(calendar, asOf, now);
  return {
    ...view,
    asOf: now.toISOString(),
    clocks: view.clocks.map((c) => {
      if (c.status !== 'running') return c;
      const elapsedMs = c.elapsedMs + extra;
      return { ...c, elapsedMs, remainingMs: c.targetMs - elapsedMs, breached: c.breached || elapsedMs >= c.targetMs };
    }),
  };
}
