/**
 * Public holidays from `date-holidays` (its rules pinned with the code), as ranges of local wall-clock
 * time. date-holidays does its date arithmetic with the host's local `Date`; with its time zone set to
 * UTC its start and end are wall-clock times written as UTC, so no time-zone data is involved. Where
 * the host's own clock skips an hour at midnight (a DST gap in Santiago, Havana, Cairo...), it shifts
 * a 00:00 start or end to 01:00; no rule of the pinned data starts or ends between 00:00 and 04:00
 * otherwise, so such a time is read back as midnight and every host gets the same ranges.
 */
import Holidays from 'date-holidays';
import { DAY_MS, HOUR_MS, MINUTE_MS } from './units';

export const HOLIDAY_TYPES = ['public', 'bank', 'school', 'optional', 'observance'] as const;
export type HolidayType = (typeof HOLIDAY_TYPES)[number];

/** Where the holidays come from: a country, optionally a state and a region within it (date-holidays' codes). */
export interface HolidaySource {
  country: string;
  state?: string | undefined;
  region?: string | undefined;
  types: readonly HolidayType[];
}

/** A span of local wall-clock time, in ms since 1970-01-01T00:00 local: [start, end). */
export interface LocalRange {
  start: number;
  end: number;
}

const catalogue = new Holidays();

/** Why the source names no known place (unknown country, state or region), or undefined when it does. */
export function unknownHolidayPlace(source: Omit<HolidaySource, 'types'>): string | undefined {
  if (!has(catalogue.getCountries(), source.country)) return `unknown holiday country "${source.country}"`;
  if (source.state !== undefined && !has(catalogue.getStates(source.country), source.state)) {
    return `unknown holiday state "${source.state}" of ${source.country}`;
  }
  if (source.region !== undefined) {
    if (source.state === undefined) return 'a holiday region needs its state';
    if (!has(catalogue.getRegions(source.country, source.state), source.region)) {
      return `unknown holiday region "${source.region}" of ${source.country}-${source.state}`;
    }
  }
  return undefined;
}

function has(codes: Record<string, string> | undefined, code: string): boolean {
  return codes !== undefined && Object.hasOwn(codes, code);
}

// Memoized: deterministic, so sharing it between workflow runs is safe; bounded, so it cannot grow.
const MAX_CACHED = 256;
const cache = new Map<string, readonly LocalRange[]>();

/** The holidays of the source whose date falls in the year, as local ranges, in date order. */
export function holidayRanges(source: HolidaySource, year: number): readonly LocalRange[] {
  const key = [source.country, source.state ?? '', source.region ?? '', [...source.types].sort().join(','), year].join('|');
  let ranges = cache.get(key);
  if (!ranges) {
    ranges = computeRanges(source, year);
    if (cache.size >= MAX_CACHED) cache.delete(cache.keys().next().value as string);
    cache.set(key, ranges);
  }
  return ranges;
}

function computeRanges(source: HolidaySource, year: number): LocalRange[] {
  const place = { country: source.country, state: source.state, region: source.region };
  const holidays = new Holidays(place, { timezone: 'UTC', types: [...source.types] });
  return holidays
    .getHolidays(year)
    .filter((h) => source.types.includes(h.type))
    .map((h) => {
      const start = startOf(h.date);
      return { start, end: midnightIfEarly(start + (h.end.getTime() - h.start.getTime())) };
    })
    .sort((a, b) => a.start - b.start);
}

/**
 * The local start of a holiday from its date string, "YYYY-MM-DD hh:mm:ss" with an optional
 * " -0600" when it starts before that day (Hebrew-calendar holidays begin the evening before).
 */
function startOf(date: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):\d{2}(?: ([+-])(\d{2})(\d{2}))?$/.exec(date);
  if (!m) throw new Error(`date-holidays gave an unexpected date "${date}"`);
  const [, y, mo, d, h, mi, sign, oh, om] = m;
  const wallClock = midnightIfEarly(Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi)));
  const shift = sign ? (sign === '-' ? -1 : 1) * (Number(oh) * HOUR_MS + Number(om) * MINUTE_MS) : 0;
  return wallClock + shift;
}

/** A time between 00:00 and 04:00 can only be the host's DST gap shifting midnight: read it as midnight. */
function midnightIfEarly(localMs: number): number {
  const timeOfDay = ((localMs % DAY_MS) + DAY_MS) % DAY_MS;
  return timeOfDay > 0 && timeOfDay < 4 * HOUR_MS ? localMs - timeOfDay : localMs;
}
