/**
 * SLA clocks in business time, as pure functions over plain data (no IO, deterministic): the
 * lifecycle workflow keeps this state, carries it across continue-as-new, and asks these functions
 * when each clock's next threshold falls due.
 *
 * A clock counts business time while it runs. Its state is the business time counted before the
 * running stretch (`elapsedBeforeMs`) and when that stretch began (`runningSince`): a pause folds the
 * stretch into `elapsedBeforeMs`, so pauses never count, and a re-target (priority, queue or policy
 * change) keeps what was counted and only moves the due times. A threshold fires once per cycle
 * when the counted time reaches it, whether the clock was running or paused when it was due: a
 * paused clock never reaches a threshold, and a resumed one reaches it at the right business time.
 */
import { addBusinessTime, businessTimeBetween, type Calendar } from '@fleet/ticketing-business-time';
import type { SlaClock, SlaClockStatus, SlaClockView } from '@fleet/ticketing-contracts';

export interface ClockState {
  clock: SlaClock;
  cycle: number;
  status: SlaClockStatus;
  targetMs: number;
  startedAt: number;
  elapsedBeforeMs: number;
  /** Start of the running stretch; null while paused or ended. */
  runningSince: number | null;
  endedAt: number | null;
  /** Thresholds fired in this cycle: 'percent:75', 'lead:30', 'breach'. */
  fired: string[];
  /** When the cycle's first warning and its breach fired (wall clock): escalation levels wait from these. */
  warnedAt: number | null;
  breachedAt: number | null;
  /** Escalation levels fired in this cycle. */
  escalated: number[];
}

export interface Threshold {
  id: string;
  kind: 'warning' | 'breached';
  /** Business time counted when it is reached. */
  atElapsedMs: number;
}

export interface Warnings {
  percent: readonly number[];
  leadMinutes: readonly number[];
}

const MINUTE = 60_000;

/** A clock's thresholds, ordered by when they are reached: warnings (share of the target, lead time before it), then the breach. */
export function thresholds(targetMs: number, warnings: Warnings): Threshold[] {
  const list: Threshold[] = [
    ...warnings.percent.map((p) => ({ id: `percent:${p}`, kind: 'warning' as const, atElapsedMs: Math.floor((targetMs * p) / 100) })),
    ...warnings.leadMinutes.filter((m) => m * MINUTE < targetMs).map((m) => ({ id: `lead:${m}`, kind: 'warning' as const, atElapsedMs: targetMs - m * MINUTE })),
    { id: 'breach', kind: 'breached' as const, atElapsedMs: targetMs },
  ];
  return list.sort((a, b) => a.atElapsedMs - b.atElapsedMs || a.id.localeCompare(b.id));
}

export function startClock(clock: SlaClock, cycle: number, targetMs: number, at: number, paused: boolean): ClockState {
  return { clock, cycle, status: paused ? 'paused' : 'running', targetMs, startedAt: at, elapsedBeforeMs: 0, runningSince: paused ? null : at, endedAt: null, fired: [], warnedAt: null, breachedAt: null, escalated: [] };
}

export const isOpen = (c: ClockState) => c.status === 'running' || c.status === 'paused';

/** Business time counted by `now`. */
export function elapsed(c: ClockState, calendar: Calendar, now: number): number {
  return c.elapsedBeforeMs + (c.runningSince === null ? 0 : Math.max(0, businessTimeBetween(calendar, c.runningSince, Math.max(now, c.runningSince))));
}

/** Folds the running stretch into the counted time at `now` (before a pause, a re-target or an end). */
export function settle(c: ClockState, calendar: Calendar, now: number): void {
  if (c.runningSince === null) return;
  c.elapsedBeforeMs = elapsed(c, calendar, now);
  c.runningSince = now;
}

export function pause(c: ClockState, calendar: Calendar, now: number): void {
  if (c.status !== 'running') return;
  settle(c, calendar, now);
  c.runningSince = null;
  c.status = 'paused';
}

export function resume(c: ClockState, now: number): void {
  if (c.status !== 'paused') return;
  c.runningSince = now;
  c.status = 'running';
}

export function end(c: ClockState, calendar: Calendar, now: number, status: 'met' | 'stopped'): void {
  if (!isOpen(c)) return;
  settle(c, calendar, now);
  c.runningSince = null;
  c.status = status;
  c.endedAt = now;
}

/** When the counted time reaches `atElapsedMs` if the clock keeps running; null while paused or ended. */
export function dueAt(c: ClockState, calendar: Calendar, atElapsedMs: number): number | null {
  if (c.status !== 'running' || c.runningSince === null) return null;
  const left = atElapsedMs - c.elapsedBeforeMs;
  return left <= 0 ? c.runningSince : addBusinessTime(calendar, c.runningSince, left).getTime();
}

/** The thresholds of a running clock not fired yet, with their due times. */
export function pendingThresholds(c: ClockState, calendar: Calendar, warnings: Warnings): { threshold: Threshold; dueAt: number }[] {
  if (c.status !== 'running') return [];
  const out: { threshold: Threshold; dueAt: number }[] = [];
  for (const t of thresholds(c.targetMs, warnings)) {
    if (c.fired.includes(t.id)) continue;
    const due = dueAt(c, calendar, t.atElapsedMs);
    if (due !== null) out.push({ threshold: t, dueAt: due });
  }
  return out;
}

/** What the query shows of a clock at `now`. */
export function clockView(c: ClockState, calendar: Calendar | null, now: number): SlaClockView {
  const counted = calendar ? elapsed(c, calendar, now) : c.elapsedBeforeMs;
  const due = calendar ? dueAt(c, calendar, c.targetMs) : null;
  return {
    clock: c.clock,
    cycle: c.cycle,
    status: c.status,
    targetMs: c.targetMs,
    elapsedMs: counted,
    remainingMs: c.targetMs - counted,
    dueAt: due === null ? null : new Date(due).toISOString(),
    paused: c.status === 'paused',
    warning: c.fired.some((f) => f !== 'breach'),
    breached: c.fired.includes('breach') || counted >= c.targetMs,
    startedAt: new Date(c.startedAt).toISOString(),
    endedAt: c.endedAt === null ? null : new Date(c.endedAt).toISOString(),
  };
}
