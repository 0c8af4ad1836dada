import type { ScheduleSpecDescription } from '@temporalio/client';
import { z } from 'zod';
import { parseDeclarations } from './declarations';
import { declaredSpecKey, observedSpecKey } from './spec-match';

const declared = (schedule: string) =>
  declaredSpecKey(parseDeclarations([{ file: 'x.yaml', text: `project: p\nworkflows:\n  - { id: a, type: w, task_queue: q, schedule: ${schedule} }\n` }], { w: z.object({}).strict() })[0]!);

const range = <T>(start: T, end: T = start, step = 1) => ({ start, end, step });
const calendar = (over: Record<string, unknown>): ScheduleSpecDescription =>
  ({
    calendars: [
      {
        second: [range(0)],
        minute: [range(0)],
        hour: [range(2)],
        dayOfMonth: [range(1, 31)],
        month: [range('JANUARY', 'DECEMBER')],
        year: [],
        dayOfWeek: [range('SUNDAY', 'SATURDAY')],
        comment: '',
        ...over,
      },
    ],
    intervals: [],
    skip: [],
    timezone: 'UTC',
  }) as unknown as ScheduleSpecDescription;

describe('spec match: a declaration against the spec Temporal gives back, by meaning', () => {
  it('matches what Temporal compiles a cron into', () => {
    expect(observedSpecKey(calendar({}))).toBe(declared('{ cron: "0 2 * * *" }'));
    expect(observedSpecKey(calendar({ hour: [range(0)] }))).toBe(declared('{ cron: "@daily" }'));
    // Sunday written as 7, names, a list written as ranges.
    expect(observedSpecKey(calendar({ dayOfWeek: [range('MONDAY', 'FRIDAY'), range('SUNDAY')] }))).toBe(declared('{ cron: "0 2 * * mon-fri,7" }'));
    expect(observedSpecKey(calendar({ dayOfWeek: [range('FRIDAY', 'SATURDAY'), range('SUNDAY')] }))).toBe(declared('{ cron: "0 2 * * 5-7" }'));
    expect(observedSpecKey(calendar({ minute: [range(3, 59, 20)], month: [range('JANUARY'), range('MARCH')] }))).toBe(declared('{ cron: "3/20 2 * jan,MAR *" }'));
  });

  it('tells apart what means something else', () => {
    const base = declared('{ cron: "0 2 * * *" }');
    expect(observedSpecKey(calendar({ hour: [range(3)] }))).not.toBe(base);
    expect(observedSpecKey({ ...calendar({}), timezone: 'Asia/Kolkata' })).not.toBe(base);
    expect(observedSpecKey({ ...calendar({}), jitter: 1000 })).not.toBe(base);
    expect(observedSpecKey({ ...calendar({}), startAt: new Date('2026-01-01T00:00:00Z') })).not.toBe(base);
    expect(observedSpecKey({ ...calendar({}), intervals: [{ every: 60_000, offset: 0 }] })).not.toBe(base);
    expect(observedSpecKey({ ...calendar({}), skip: calendar({}).calendars })).not.toBe(base);
    expect(observedSpecKey({ calendars: [], intervals: [{ every: 5_400_000 }], skip: [], timezone: 'UTC' } as unknown as ScheduleSpecDescription)).toBe(declared('{ cron: "@every 90m" }'));
    expect(observedSpecKey({ calendars: [], intervals: [{ every: 5_400_000, offset: 60_000 }], skip: [], timezone: 'UTC' } as unknown as ScheduleSpecDescription)).not.toBe(declared('{ cron: "@every 90m" }'));
  });
});
