import { DAYS_OF_WEEK, MONTHS, type ScheduleSpecDescription } from '@temporalio/client';
import type { ScheduleDeclaration } from './declarations';

/**
 * Whether Temporal's schedule spec means what a declaration says, compared by meaning rather than by
 * text: Temporal never gives a cron string back, it compiles it into structured calendars (ranges,
 * Sunday as 0, month and day names as numbers) and that is what a description and a listing show.
 * Both sides are reduced to the sets of values each calendar field matches, plus the intervals,
 * time zone, jitter and start and end times, and compared as one canonical string.
 *
 * The declared side follows Temporal's own cron grammar (server 1.29, service/worker/scheduler
 * calendar.go: `*`, `x`, `x-z`, `x/y`, `x-z/y`, lists, month names of 3+ letters, day names of 2+
 * letters, day of week 0-7 with 7 as Sunday, the @hourly-style macros). A declaration that grammar
 * does not read gives undefined: "cannot tell from the spec", never "the same".
 */
export type SpecKey = string;

type FieldSets = { second: number[]; minute: number[]; hour: number[]; dayOfMonth: number[]; month: number[]; dayOfWeek: number[]; year: number[] | '*' };

const MACROS: Record<string, string> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};

const MONTH_NAMES = MONTHS.map((m) => m.toLowerCase());
const DAY_NAMES = DAYS_OF_WEEK.map((d) => d.toLowerCase());

function parseValue(text: string, min: number, max: number, mode: 'int' | 'month' | 'dow'): number | undefined {
  const lower = text.toLowerCase();
  if (mode === 'month' && lower.length >= 3) {
    const i = MONTH_NAMES.findIndex((m) => m.startsWith(lower));
    if (i >= 0) return i + 1 >= min && i + 1 <= max ? i + 1 : undefined;
  }
  if (mode === 'dow' && lower.length >= 2) {
    const i = DAY_NAMES.findIndex((d) => d.startsWith(lower));
    if (i >= 0) return i >= min && i <= max ? i : undefined;
  }
  if (!/^\d+$/.test(text)) return undefined;
  const n = Number(text);
  return n >= min && n <= max ? n : undefined;
}

/** The values one cron field matches, as Temporal reads it; undefined when Temporal would not read it. */
function cronField(text: string, min: number, max: number, mode: 'int' | 'month' | 'dow'): number[] | undefined {
  const values = new Set<number>();
  for (const part of text.split(',')) {
    const slashes = part.split('/');
    if (slashes.length > 2) return undefined;
    let step = 1;
    const hasStep = slashes.length === 2;
    if (hasStep) {
      if (!/^\d+$/.test(slashes[1] as string)) return undefined;
      step = Number(slashes[1]);
      if (step < 1) return undefined;
    }
    const body = slashes[0] as string;
    let start = min;
    let end = max;
    if (body !== '*') {
      const dashes = body.split('-');
      if (dashes.length > 2) return undefined;
      const first = parseValue(dashes[0] as string, min, max, mode);
      if (first === undefined) return undefined;
      start = first;
      if (dashes.length === 2) {
        const last = parseValue(dashes[1] as string, start, max, mode);
        if (last === undefined) return undefined;
        end = last;
      } else if (!hasStep) {
        end = start;
      }
    }
    for (let v = start; v <= end; v += step) values.add(mode === 'dow' && v === 7 ? 0 : v);
  }
  return [...values].sort((a, b) => a - b);
}

function expandRanges(ranges: readonly { start: unknown; end: unknown; step: number }[], toNumber: (v: unknown) => number | undefined): number[] | undefined {
  const values = new Set<number>();
  for (const r of ranges) {
    const start = toNumber(r.start);
    const end = toNumber(r.end) ?? start;
    if (start === undefined || end === undefined) return undefined;
    const step = r.step > 0 ? r.step : 1;
    for (let v = start; v <= Math.max(start, end); v += step) values.add(v);
  }
  return [...values].sort((a, b) => a - b);
}

const asNumber = (v: unknown) => (typeof v === 'number' ? v : undefined);
const monthNumber = (v: unknown) => (typeof v === 'number' ? v : MONTHS.indexOf(v as (typeof MONTHS)[number]) + 1 || undefined);
const dayNumber = (v: unknown) => {
  if (typeof v === 'number') return v === 7 ? 0 : v;
  const i = DAYS_OF_WEEK.indexOf(v as (typeof DAYS_OF_WEEK)[number]);
  return i >= 0 ? i : undefined;
};

interface Semantics {
  calendars: FieldSets[];
  intervals: { every: number; offset: number }[];
  skip: number;
  timezone: string;
  jitterMs: number;
  startAt: number | null;
  endAt: number | null;
}

function keyOf(s: Semantics): SpecKey {
  const calendars = s.calendars.map((c) => JSON.stringify([c.second, c.minute, c.hour, c.dayOfMonth, c.month, c.dayOfWeek, c.year])).sort();
  const intervals = s.intervals.map((i) => `${i.every}/${i.offset}`).sort();
  return JSON.stringify({ calendars, intervals, skip: s.skip, timezone: s.timezone, jitterMs: s.jitterMs, startAt: s.startAt, endAt: s.endAt });
}

/** What the declaration's spec means, or undefined when Temporal's grammar would not read its cron. */
export function declaredSpecKey(d: ScheduleDeclaration): SpecKey | undefined {
  const base = { skip: 0, timezone: d.timezone, jitterMs: d.jitterMs ?? 0, startAt: d.startAt?.getTime() ?? null, endAt: d.endAt?.getTime() ?? null };
  if (d.spec.kind === 'every') return keyOf({ ...base, calendars: [], intervals: [{ every: d.spec.everyMs, offset: 0 }] });
  const fields = (MACROS[d.spec.expression.trim()] ?? d.spec.expression).trim().split(/\s+/);
  if (fields.length !== 5) return undefined;
  const [minute, hour, dayOfMonth, month, dayOfWeek] = [
    cronField(fields[0] as string, 0, 59, 'int'),
    cronField(fields[1] as string, 0, 23, 'int'),
    cronField(fields[2] as string, 1, 31, 'int'),
    cronField(fields[3] as string, 1, 12, 'month'),
    cronField(fields[4] as string, 0, 7, 'dow'),
  ];
  if (!minute || !hour || !dayOfMonth || !month || !dayOfWeek) return undefined;
  return keyOf({ ...base, calendars: [{ second: [0], minute, hour, dayOfMonth, month, dayOfWeek, year: '*' }], intervals: [] });
}

/** What a spec Temporal gave back (in a description or a listing) means. */
export function observedSpecKey(spec: ScheduleSpecDescription): SpecKey | undefined {
  const calendars: FieldSets[] = [];
  for (const c of spec.calendars ?? []) {
    const fields = {
      second: expandRanges(c.second ?? [], asNumber),
      minute: expandRanges(c.minute ?? [], asNumber),
      hour: expandRanges(c.hour ?? [], asNumber),
      dayOfMonth: expandRanges(c.dayOfMonth ?? [], asNumber),
      month: expandRanges(c.month ?? [], monthNumber),
      dayOfWeek: expandRanges(c.dayOfWeek ?? [], dayNumber),
      year: c.year?.length ? expandRanges(c.year, asNumber) : '*',
    };
    if (Object.values(fields).some((v) => v === undefined)) return undefined;
    calendars.push(fields as FieldSets);
  }
  return keyOf({
    calendars,
    intervals: (spec.intervals ?? []).map((i) => ({ every: i.every, offset: i.offset ?? 0 })),
    skip: spec.skip?.length ?? 0,
    timezone: spec.timezone ?? '',
    jitterMs: spec.jitter ?? 0,
    startAt: spec.startAt?.getTime() ?? null,
    endAt: spec.endAt?.getTime() ?? null,
  });
}
