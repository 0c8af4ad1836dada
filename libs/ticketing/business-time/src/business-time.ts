/**
 * The engine. Business time is the set of instants whose local wall-clock time, in the calendar's
 * zone, falls in a working window of that local day. The timeline is walked in instants, a day at
 * a time, split where the zone's offset changes; within a piece the offset is fixed, so its local
 * times map back to instants by subtracting it. Whole plain weeks (no offset change, holiday or half
 * day) are skipped at once, so hundreds of business days cost a few dozen steps.
 */
import type { CalendarInput } from './calendar';
import type { LocalRange } from './holidays';
import { DAY_MS, WEEK_MS } from './units';
import { dayOfLocalTime, workingDays, type WorkingDays } from './working-days';

/** An instant: a Date or epoch milliseconds. */
export type Instant = Date | number;

/** Searching further than this for business time means the calendar has none left: an error, not a hang. */
const MAX_DAYS_WITHOUT_BUSINESS_TIME = 4000;

/**
 * The instant at which `durationMs` of business time has passed since `start`: the due time of a
 * target. Lands on the end of a window rather than the start of the next one when it fills it
 * exactly; a duration of 0 is due at `start` itself, even outside business hours.
 */
export function addBusinessTime(calendar: CalendarInput, start: Instant, durationMs: number): Date {
  const days = workingDays(calendar);
  let t = epochMs(start);
  if (!(Number.isFinite(durationMs) && durationMs >= 0)) throw new RangeError(`duration must be a finite number of ms >= 0, not ${durationMs}`);
  let remaining = durationMs;
  if (remaining === 0) return new Date(t);
  let idleDays = 0;
  for (;;) {
    const week = remaining > days.weekMs ? plainWeekMs(days, t) : undefined;
    if (week !== undefined) {
      t += WEEK_MS;
      remaining -= week;
      continue;
    }
    const pieces = businessIn(days, t, t + DAY_MS);
    for (const p of pieces) {
      if (p.end - p.start >= remaining) return new Date(p.start + remaining);
      remaining -= p.end - p.start;
    }
    idleDays = pieces.length > 0 ? 0 : idleDays + 1;
    if (idleDays > MAX_DAYS_WITHOUT_BUSINESS_TIME) throw new RangeError('the calendar has no business time left');
    t += DAY_MS;
  }
}

/** The business time in [from, to), in ms; negative when `to` is before `from`. */
export function businessTimeBetween(calendar: CalendarInput, from: Instant, to: Instant): number {
  const days = workingDays(calendar);
  const [a, b] = [epochMs(from), epochMs(to)];
  if (b < a) return 0 - businessTimeBetween(calendar, to, from); // 0 - x: never -0
  let total = 0;
  for (let t = a; t < b; ) {
    const week = b - t >= WEEK_MS ? plainWeekMs(days, t) : undefined;
    if (week !== undefined) {
      total += week;
      t += WEEK_MS;
      continue;
    }
    const end = Math.min(t + DAY_MS, b);
    for (const p of businessIn(days, t, end)) total += p.end - p.start;
    t = end;
  }
  return total;
}

/** Whether the instant is business time (a window includes its start and excludes its end). */
export function isBusinessTime(calendar: CalendarInput, at: Instant): boolean {
  const t = epochMs(at);
  return businessIn(workingDays(calendar), t, t + 1).length > 0;
}

/** The instant itself when it is business time, else the start of the next business time. */
export function nextBusinessInstant(calendar: CalendarInput, at: Instant): Date {
  const days = workingDays(calendar);
  let t = epochMs(at);
  for (let idle = 0; idle <= MAX_DAYS_WITHOUT_BUSINESS_TIME; idle++, t += DAY_MS) {
    const first = businessIn(days, t, t + DAY_MS)[0];
    if (first) return new Date(first.start);
  }
  throw new RangeError('the calendar has no business time left');
}

/** The stretches of business time within [from, to), in order, each as long as it runs unbroken. */
export function* businessWindows(calendar: CalendarInput, from: Instant, to: Instant): Generator<{ start: Date; end: Date }> {
  const days = workingDays(calendar);
  const b = epochMs(to);
  let open: LocalRange | undefined;
  for (let t = epochMs(from); t < b; t += DAY_MS) {
    for (const p of businessIn(days, t, Math.min(t + DAY_MS, b))) {
      if (open && open.end === p.start) open.end = p.end;
      else {
        if (open) yield { start: new Date(open.start), end: new Date(open.end) };
        open = { ...p };
      }
    }
  }
  if (open) yield { start: new Date(open.start), end: new Date(open.end) };
}

/**
 * The business time within [from, to) (at most a day), as instant ranges in order. Each piece of
 * the span with one offset is mapped to local time, intersected with the windows of the local days
 * it covers, and mapped back. So a window on a spring-forward day loses the skipped hour, and on a
 * fall-back day the repeated hour counts twice.
 */
function businessIn(days: WorkingDays, from: number, to: number): LocalRange[] {
  const out: LocalRange[] = [];
  for (let t = from; t < to; ) {
    const offset = days.zone.offsetAt(t);
    const pieceEnd = days.zone.offsetChangeIn(t, to) ?? to;
    const [localFrom, localTo] = [t + offset, pieceEnd + offset];
    for (let day = dayOfLocalTime(localFrom); day * DAY_MS < localTo; day++) {
      for (const w of days.windowsOn(day)) {
        const [start, end] = [Math.max(w.start, localFrom) - offset, Math.min(w.end, localTo) - offset];
        if (start >= end) continue;
        const last = out[out.length - 1];
        if (last && last.end === start) last.end = end;
        else out.push({ start, end });
      }
    }
    t = pieceEnd;
  }
  return out;
}

/**
 * The business time of [t, t + 7 days) when that span is a plain week, else undefined. With one
 * offset throughout, the span covers each local time of the week exactly once, so a week without
 * holidays or half days holds exactly the weekly working time.
 */
function plainWeekMs(days: WorkingDays, t: number): number | undefined {
  for (let d = 0; d < 7; d++) if (days.zone.offsetChangeIn(t + d * DAY_MS, t + (d + 1) * DAY_MS) !== undefined) return undefined;
  const offset = days.zone.offsetAt(t);
  for (let day = dayOfLocalTime(t + offset); day <= dayOfLocalTime(t + WEEK_MS - 1 + offset); day++) {
    if (!days.isPlainDay(day)) return undefined;
  }
  return days.weekMs;
}

function epochMs(instant: Instant): number {
  const ms = typeof instant === 'number' ? instant : instant.getTime();
  if (!Number.isFinite(ms)) throw new RangeError(`not a valid instant: ${String(instant)}`);
  return ms;
}
