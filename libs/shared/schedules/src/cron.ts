import { CronExpressionParser } from 'cron-parser';
import { parseDuration } from './durations';

const MACROS = new Set(['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly']);

export type CronSpec = { kind: 'cron'; expression: string } | { kind: 'every'; everyMs: number };

const parsed = new Map<string, CronSpec | { error: string }>();

/**
 * Reads a schedule's `cron`: a standard 5-field expression, an `@hourly`-style macro, or
 * `@every <duration>`. Returns the reason when it is none of those. Remembered by text: a file
 * repeats a few expressions, and a worker start reads a thousand schedules at most.
 */
export function parseCron(text: string): CronSpec | { error: string } {
  let result = parsed.get(text);
  if (!result) {
    result = readCron(text);
    if (parsed.size < 10_000) parsed.set(text, result);
  }
  return result;
}

function readCron(text: string): CronSpec | { error: string } {
  const trimmed = text.trim();
  if (trimmed.startsWith('@every')) {
    const everyMs = parseDuration(trimmed.slice('@every'.length).trim());
    return everyMs ? { kind: 'every', everyMs } : { error: `invalid cron "${text}": @every takes a duration such as 30m or 1h` };
  }
  if (trimmed.startsWith('@')) {
    return MACROS.has(trimmed) ? { kind: 'cron', expression: trimmed } : { error: `invalid cron "${text}": unknown macro (use ${[...MACROS].join(', ')} or @every)` };
  }
  const fields = trimmed.split(/\s+/);
  if (fields.length !== 5) return { error: `invalid cron "${text}": expected 5 fields (minute hour day-of-month month day-of-week), got ${fields.length}` };
  try {
    CronExpressionParser.parse(trimmed);
  } catch (err) {
    return { error: `invalid cron "${text}": ${(err as Error).message}` };
  }
  return { kind: 'cron', expression: trimmed };
}
