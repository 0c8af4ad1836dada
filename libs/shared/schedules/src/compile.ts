import { ScheduleOverlapPolicy, type ScheduleOptions, type ScheduleOptionsStartWorkflowAction } from '@temporalio/client';
import type { Workflow } from '@temporalio/common';
import { createHash } from 'node:crypto';
import type { OverlapPolicyName, ScheduleDeclaration } from './declarations';

export type DesiredSchedule = ScheduleOptions<ScheduleOptionsStartWorkflowAction<Workflow>>;

/** Memo keys Fleet keeps on what it manages. The schedule's own memo marks the owner (set once). */
export const OWNER_MEMO_KEY = 'fleetOwner';
/** On the action's memo (updatable): the hash of the declaration Fleet last wrote. */
export const DECLARED_HASH_KEY = 'fleetDeclaredHash';
/** A note starting so marks a temporary override made through the API. */
export const OVERRIDE_NOTE_PREFIX = 'fleet-override:';
/** A note starting so is Fleet's own (the schedule is as declared). */
export const MANAGED_NOTE_PREFIX = 'managed by Fleet';
/**
 * The catch-up window sent when none is declared: Temporal's own default (one year, server 1.29),
 * sent explicitly so that what a description shows is exactly what Fleet wrote.
 */
export const DEFAULT_CATCHUP_WINDOW_MS = 365 * 86_400_000;

/**
 * Fleet's notes end with the declaration's hash. The note is the one field Fleet writes that a
 * listing of schedules (visibility) shows and every update can change, so a pass can tell from one
 * listing which schedules still stand as last written without describing each.
 */
export function withDeclaration(note: string, hash: string): string {
  return `${note} (declaration ${hash})`;
}

/** The declaration hash a note ends with, if it is one Fleet wrote. */
export function declarationInNote(note: string | undefined): string | undefined {
  return /\(declaration ([0-9a-f]{32})\)$/.exec(note ?? '')?.[1];
}

/** The note of a schedule standing as declared. */
export function managedNote(d: ScheduleDeclaration): string {
  return withDeclaration(`${MANAGED_NOTE_PREFIX} from ${d.file}`, declarationHash(d));
}

const OVERLAP: Record<OverlapPolicyName, DesiredSchedule['policies'] extends infer P ? (P extends { overlap?: infer O } ? O : never) : never> = {
  skip: ScheduleOverlapPolicy.SKIP,
  buffer_one: ScheduleOverlapPolicy.BUFFER_ONE,
  buffer_all: ScheduleOverlapPolicy.BUFFER_ALL,
  cancel_other: ScheduleOverlapPolicy.CANCEL_OTHER,
  terminate_other: ScheduleOverlapPolicy.TERMINATE_OTHER,
  allow_all: ScheduleOverlapPolicy.ALLOW_ALL,
};

export function scheduleIdOf(project: string, workflowId: string): string {
  return `schedule-${project}-${workflowId}`;
}

/** A canonical hash of everything declared: key order and formatting of the YAML do not matter. */
export function declarationHash(d: ScheduleDeclaration): string {
  const canonical = {
    workflowType: d.workflowType,
    taskQueue: d.taskQueue,
    spec: d.spec,
    timezone: d.timezone,
    enabled: d.enabled,
    jitterMs: d.jitterMs ?? null,
    overlapPolicy: d.overlapPolicy,
    catchupWindowMs: d.catchupWindowMs ?? null,
    pauseOnFailure: d.pauseOnFailure,
    startAt: d.startAt?.toISOString() ?? null,
    endAt: d.endAt?.toISOString() ?? null,
    input: d.input ?? null,
  };
  return createHash('sha256').update(stable(canonical)).digest('hex').slice(0, 32);
}

function stable(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stable).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stable((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** The Temporal schedule a declaration asks for. */
export function compileSchedule(d: ScheduleDeclaration): DesiredSchedule {
  return {
    scheduleId: scheduleIdOf(d.project, d.workflowId),
    spec: {
      ...(d.spec.kind === 'every' ? { intervals: [{ every: d.spec.everyMs }] } : { cronExpressions: [d.spec.expression] }),
      timezone: d.timezone,
      ...(d.jitterMs ? { jitter: d.jitterMs } : {}),
      ...(d.startAt ? { startAt: d.startAt } : {}),
      ...(d.endAt ? { endAt: d.endAt } : {}),
    },
    action: {
      type: 'startWorkflow',
      workflowType: d.workflowType,
      taskQueue: d.taskQueue,
      workflowId: d.workflowId,
      args: d.input === undefined ? [] : [d.input],
      memo: { [DECLARED_HASH_KEY]: declarationHash(d) },
    },
    policies: {
      overlap: OVERLAP[d.overlapPolicy],
      pauseOnFailure: d.pauseOnFailure,
      catchupWindow: d.catchupWindowMs ?? DEFAULT_CATCHUP_WINDOW_MS,
    },
    state: { paused: !d.enabled, note: managedNote(d) },
    memo: { [OWNER_MEMO_KEY]: d.project },
  };
}
