/**
 * A calendar compiled for the engine: for any local day, its working windows as local wall-clock
 * ranges, with half days, custom holidays and public holidays applied. Local days are numbered from
 * 1970-01-01 (day 0, a Thursday); local times are ms since 1970-01-01T00:00 local.
 */
import { parseCalendar, WEEKDAYS, type Calendar, type CalendarInput, type WorkingWindow } from './calendar';
import { holidayRanges, type HolidaySource, type LocalRange } from './holidays';
import { timeZone, type TimeZone } from './time-zone';
import { DAY_MS, MINUTE_MS } from './units';

export interface WorkingDays {
  readonly zone: TimeZone;
  /** The working time of a plain week (every weekday's windows), in ms. */
  readonly weekMs: number;
  /** The working windows of the local day, as local ranges in order. */
  windowsOn(day: number): readonly LocalRange[];
  /** Whether the day has its weekday's windows unchanged: no half day, custom or public holiday. */
  isPlainDay(day: number): boolean;
}

// Calendars come from workflow inputs and activity results, a new object each time: cache by content.
// Deterministic, so sharing the cache between workflow runs is safe; bounded, so it cannot grow.
const MAX_CACHED = 128;
const compiled = new Map<string, WorkingDays>();

/** The calendar validated (throws `InvalidCalendar`) and compiled, cached by its content. */
export function workingDays(input: CalendarInput): WorkingDays {
  const key = JSON.stringify(input);
  let days = compiled.get(key);
  if (!days) {
    days = compile(parseCalendar(input));
    if (compiled.size >= MAX_CACHED) compiled.delete(compiled.keys().next().value as string);
    compiled.set(key, days);
  }
  return days;
}

export function dayOfLocalTime(localMs: number): number {
  return Math.floor(localMs / DAY_MS);
}

function dayOfIsoDate(date: string): number {
  return Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10))) / DAY_MS;
}

function compile(calendar: Calendar): WorkingDays {
  const week = WEEKDAYS.map((d) => rangesOfDay(calendar.week[d]));
  const weekdayWindows = (day: number) => week[(((day + 3) % 7) + 7) % 7] ?? []; // day 0 was a Thursday; Monday is 0
  const customHolidays = new Set(calendar.customHolidays.map(dayOfIsoDate));
  const halfDays = new Map(calendar.halfDays.map((h) => [dayOfIsoDate(h.date), rangesOfDay(h.windows)]));
  const publicHolidays = calendar.holidays ? publicHolidaysByDay(calendar.holidays) : () => [];

  return {
    zone: timeZone(calendar.timeZone),
    weekMs: week.flat().reduce((sum, r) => sum + r.end - r.start, 0),
    windowsOn(day) {
      if (customHolidays.has(day)) return [];
      const windows = (halfDays.get(day) ?? weekdayWindows(day)).map((r) => ({ start: day * DAY_MS + r.start, end: day * DAY_MS + r.end }));
      return subtract(windows, publicHolidays(day));
    },
    isPlainDay(day) {
      return !customHolidays.has(day) && !halfDays.has(day) && publicHolidays(day).length === 0;
    },
  };
}

/** A day's windows as ranges from its midnight, in order, touching windows joined. */
function rangesOfDay(windows: readonly WorkingWindow[]): LocalRange[] {
  const minutes = (hhmm: string) => (Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5))) * MINUTE_MS;
  const ranges = windows.map((w) => ({ start: minutes(w.start), end: minutes(w.end) })).sort((a, b) => a.start - b.start);
  return ranges.reduce<LocalRange[]>((out, r) => {
    const last = out[out.length - 1];
    if (last && last.end === r.start) last.end = r.end;
    else out.push({ ...r });
    return out;
  }, []);
}

/**
 * The parts of each public holiday that fall on a day. A holiday is listed under the year of its
 * date, but may run into the next year or begin the evening before: the years around count too.
 */
function publicHolidaysByDay(source: HolidaySource): (day: number) => readonly LocalRange[] {
  const byYear = new Map<number, Map<number, LocalRange[]>>();
  return (day) => {
    const year = new Date(day * DAY_MS).getUTCFullYear();
    let index = byYear.get(year);
    if (!index) {
      index = new Map();
      for (const h of [year - 1, year, year + 1].flatMap((y) => holidayRanges(source, y))) {
        for (let d = dayOfLocalTime(h.start); d * DAY_MS < h.end; d++) {
          if (new Date(d * DAY_MS).getUTCFullYear() !== year) continue;
          const part = { start: Math.max(h.start, d * DAY_MS), end: Math.min(h.end, (d + 1) * DAY_MS) };
          index.set(d, [...(index.get(d) ?? []), part]);
        }
      }
      byYear.set(year, index);
    }
    return index.get(day) ?? [];
  };
}

/** The windows less the closed ranges. */
function subtract(windows: readonly LocalRange[], closed: readonly LocalRange[]): LocalRange[] {
  let open = [...windows];
  for (const c of closed) {
    open = open.flatMap((w) => {
      if (c.end <= w.start || c.start >= w.end) return [w];
      return [
        { start: w.start, end: c.start },
        { start: c.end, end: w.end },
      ].filter((r) => r.end > r.start);
    });
  }
  return open;
}
