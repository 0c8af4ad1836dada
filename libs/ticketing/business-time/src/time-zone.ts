/**
 * UTC offsets from the IANA time-zone database pinned with the code: the full data of
 * `@js-joda/timezone` (tzdb 2026a in 2.25.2, every zone, every year the database knows), never the
 * runtime's Intl/ICU data, which differs between Node builds and would make a replay on another
 * worker disagree. (@js-joda/timezone reads Intl once when loaded, to guess a system default zone
 * that is never used here.)
 */
import { ZoneId, ZoneRulesProvider, type ZoneRules } from '@js-joda/core';
import '@js-joda/timezone';
import { DAY_MS } from './units';

/** The tzdb release the offsets come from. */
export const TZDB_VERSION = '2026a';

/** Whether the name is an IANA zone of the pinned database (links such as US/Eastern included). */
export function isKnownTimeZone(name: string): boolean {
  return ZoneRulesProvider.getAvailableZoneIds().includes(name);
}

/** A time zone: its offset at any instant, and where that offset changes. */
export interface TimeZone {
  readonly name: string;
  /** The offset from UTC, in ms (local wall-clock time = instant + offset), at the instant. */
  offsetAt(epochMs: number): number;
  /**
   * The first instant in (fromMs, toMs] whose offset differs from the one at fromMs, if any.
   * The span must be at most a day: in the pinned database no zone changes its offset twice within
   * six days since 1970 (checked over every zone), so a span that starts and ends on the same offset
   * has no change, and one that does not has exactly one, found by bisection.
   */
  offsetChangeIn(fromMs: number, toMs: number): number | undefined;
}

const zones = new Map<string, TimeZone>();

/** The zone of that name (cached: the rules are immutable). Throws on a name the database lacks. */
export function timeZone(name: string): TimeZone {
  let zone = zones.get(name);
  if (!zone) {
    if (!isKnownTimeZone(name)) throw new RangeError(`unknown IANA time zone "${name}"`);
    zone = zoneOf(name, ZoneId.of(name).rules());
    zones.set(name, zone);
  }
  return zone;
}

function zoneOf(name: string, rules: ZoneRules): TimeZone {
  const offsetAt = (epochMs: number) => rules.offsetOfEpochMilli(epochMs).totalSeconds() * 1000;
  return {
    name,
    offsetAt,
    offsetChangeIn(fromMs, toMs) {
      if (toMs - fromMs > DAY_MS) throw new RangeError('offsetChangeIn: a span of at most a day');
      const before = offsetAt(fromMs);
      if (offsetAt(toMs) === before) return undefined;
      // Bisect to the millisecond: lo keeps the old offset, hi has the new one.
      let lo = fromMs;
      let hi = toMs;
      while (hi - lo > 1) {
        const mid = Math.floor((lo + hi) / 2);
        if (offsetAt(mid) === before) lo = mid;
        else hi = mid;
      }
      return hi;
    },
  };
}
