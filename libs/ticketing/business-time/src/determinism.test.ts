/**
 * The engine answers the same on every host: it reads no time-zone data from the runtime (Intl),
 * and corrects what date-holidays computes with the host's local Date.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { addBusinessTime, businessTimeBetween } from './index';
import { at, HOUR, officeHours } from '../test/calendars';

interface Fingerprint {
  dues: unknown[];
  ranges: unknown[];
  rawOnHavanaGapDay: string[];
}

/** Runs test/fingerprint.ts in a fresh Node process whose host time zone is `tz`. */
function fingerprintUnder(tz: string): Promise<Fingerprint> {
  const script = path.join(__dirname, '..', 'test', 'fingerprint.ts');
  const child = spawn(process.execPath, ['--import', 'tsx', script], { cwd: path.join(__dirname, '../../../..'), env: { ...process.env, TZ: tz } });
  let out = '';
  let err = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(JSON.parse(out) as Fingerprint) : reject(new Error(`fingerprint under TZ=${tz} exited ${code}: ${err}`))));
  });
}

describe('host time zones', () => {
  // Hosts whose clocks skip midnight in 2026 (Havana on 03-08, Cairo on 04-24, Santiago on 09-06), and one 14 hours ahead of UTC.
  const zones = ['America/Havana', 'Africa/Cairo', 'America/Santiago', 'Pacific/Kiritimati'];
  const answers = new Map<string, Fingerprint>();

  beforeAll(async () => {
    const hosts = ['UTC', ...zones];
    for (let i = 0; i < hosts.length; i += 2) {
      const pair = hosts.slice(i, i + 2); // two at a time: two cores
      (await Promise.all(pair.map(fingerprintUnder))).forEach((answer, j) => answers.set(pair[j]!, answer));
    }
  }, 300_000); // a few seconds of CPU per process; minutes only on a machine busy with other work

  it.each(zones)('%s gives the same due times and holiday ranges (every country, 2026) as UTC', (tz) => {
    const reference = answers.get('UTC')!;
    expect(reference.dues.length).toBeGreaterThan(50);
    expect(reference.ranges.length).toBeGreaterThan(200);
    expect(answers.get(tz)!.dues).toEqual(reference.dues);
    expect(answers.get(tz)!.ranges).toEqual(reference.ranges);
  });

  it('changes what date-holidays itself says, which is why its times are corrected', () => {
    // On 2026-03-08 Havana's clocks go from 00:00 to 01:00: date-holidays' own date strings say 01:00 there.
    expect(answers.get('UTC')!.rawOnHavanaGapDay).toContain('AO 2026-03-08 00:00:00');
    expect(answers.get('America/Havana')!.rawOnHavanaGapDay).toContain('AO 2026-03-08 01:00:00');
  });
});

describe('Intl', () => {
  it('is never asked: the answers come with Intl.DateTimeFormat throwing', () => {
    const original = Intl.DateTimeFormat;
    const refuse = () => {
      throw new Error('Intl.DateTimeFormat called');
    };
    Object.defineProperty(Intl, 'DateTimeFormat', { value: refuse, configurable: true, writable: true });
    try {
      // A zone and a country used nowhere else in this file, so their rules and holidays load now.
      const paris = officeHours('Europe/Paris', { holidays: { country: 'FR' } });
      // Bastille Day 2031 is a Monday (1 January 2031 is a Wednesday; 14 July is 194 days later, 27 weeks
      // and 5 days). Fri 16:00-17:00 CEST is 1 hour, Monday is closed, Tuesday 09:00 + 1 hour.
      expect(addBusinessTime(paris, at('2031-07-11T16:00+02:00'), 2 * HOUR).toISOString()).toBe(new Date(at('2031-07-15T10:00+02:00')).toISOString());
      // 2031-10-26 (the last Sunday of October) Paris goes back to +01:00: Friday 16:00 + 2 hours is Monday 10:00 at +01:00.
      expect(addBusinessTime(paris, at('2031-10-24T16:00+02:00'), 2 * HOUR).toISOString()).toBe(new Date(at('2031-10-27T10:00+01:00')).toISOString());
      expect(businessTimeBetween(paris, at('2031-07-13T00:00+02:00'), at('2031-07-20T00:00+02:00'))).toBe(32 * HOUR);
    } finally {
      Object.defineProperty(Intl, 'DateTimeFormat', { value: original, configurable: true, writable: true });
    }
  });
});
