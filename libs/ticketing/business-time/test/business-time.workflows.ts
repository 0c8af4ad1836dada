/** A workflow that uses the engine, to prove it bundles and runs in the workflow sandbox (see sandbox.test.ts). */
import { addBusinessTime, businessTimeBetween, type CalendarInput } from '../src';

export async function businessTimeProbe(calendar: CalendarInput, startMs: number, durationMs: number): Promise<{ due: string; between: number }> {
  const due = addBusinessTime(calendar, startMs, durationMs);
  return { due: due.toISOString(), between: businessTimeBetween(calendar, startMs, due) };
}
