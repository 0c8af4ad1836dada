import { ScheduleOverlapPolicy, type ScheduleOptions, type ScheduleOptionsStartWorkflowAction } from '@temporalio/client';
import type { Workflow } from '@temporalio/common';
import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { ScheduleDeclaration } from './declarations';
import { OVERLAP_POLICIES, type OverlapPolicyName } from './policies';

export type DesiredSchedule = ScheduleOptions<ScheduleOptionsStartWorkflowAction<Workflow>>;

/** Memo key of the owner: the project whose declaration the schedule is (set at create, as every memo). */
export const OWNER_MEMO_KEY = 'fleetOwner';
/** Memo key of the declaration the schedule was made from (see DeclarationMemo). */
export const DECLARATION_MEMO_KEY = 'fleetDeclaration';
/** A note starting so marks a temporary override made through the API. */
export const OVERRIDE_NOTE_PREFIX = 'fleet-override:';
/** A note starting so is Fleet's own (the schedule is as declared). */
export const MANAGED_NOTE_PREFIX = 'managed by Fleet';
/** The note of an orphan Fleet paused (orphans: pause). */
export const ORPHAN_NOTE = 'no longer declared';
/**
 * The catch-up window sent when none is declared: Temporal's own default (one year, server 1.29),
 * sent explicitly so that what a description shows is exactly what Fleet wrote.
 */
export const DEFAULT_CATCHUP_WINDOW_MS = 365 * 86_400_000;
/** A declaration's memo is kept small: Temporal warns about memos past 2 KB. */
export const MAX_DECLARATION_MEMO_BYTES = 2048;

/**
 * The declaration a schedule was made from, in its memo: what the schedules API shows of a schedule
 * from Temporal alone (a listing entry or a description carries it), with no file and no domain
 * schema. Field names are the API's (camelCase). A few hundred bytes.
 *
 * A schedule's memo is written when it is created and never after: Temporal 1.29's UpdateSchedule
 * has no memo (temporalio/temporal#5510; memo updates come with the CHASM scheduler only). So a
 * changed declaration replaces its schedule (delete, then create); drift is still one update.
 */
export interface DeclarationMemo {
  v: 1;
  /** declarationHash of the declaration. */
  hash: string;
  /** The declaring file, relative to the repository. */
  file: string;
  project: string;
  workflowId: string;
  type: string;
  taskQueue: string;
  cron: string;
  timezone: string;
  enabled: boolean;
  overlapPolicy: OverlapPolicyName;
  pauseOnFailure: boolean;
  jitterMs?: number;
  catchupWindowMs?: number;
  startAt?: string;
  endAt?: string;
  input?: unknown;
}

const declarationMemoSchema = z.object({
  v: z.literal(1),
  hash: z.string().regex(/^[0-9a-f]{32}$/),
  file: z.string(),
  project: z.string(),
  workflowId: z.string(),
  type: z.string(),
  taskQueue: z.string(),
  cron: z.string(),
  timezone: z.string(),
  enabled: z.boolean(),
  overlapPolicy: z.enum(OVERLAP_POLICIES),
  pauseOnFailure: z.boolean(),
  jitterMs: z.number().optional(),
  catchupWindowMs: z.number().optional(),
  startAt: z.string().optional(),
  endAt: z.string().optional(),
  input: z.unknown().optional(),
});

/** The memo entry of a declaration (undefined fields left out). */
export function declarationMemo(d: ScheduleDeclaration): DeclarationMemo {
  return {
    v: 1,
    hash: declarationHash(d),
    file: d.file,
    project: d.project,
    workflowId: d.workflowId,
    type: d.workflowType,
    taskQueue: d.taskQueue,
    cron: d.cron,
    timezone: d.timezone,
    enabled: d.enabled,
    overlapPolicy: d.overlapPolicy,
    pauseOnFailure: d.pauseOnFailure,
    ...(d.jitterMs ? { jitterMs: d.jitterMs } : {}),
    ...(d.catchupWindowMs ? { catchupWindowMs: d.catchupWindowMs } : {}),
    ...(d.startAt ? { startAt: d.startAt.toISOString() } : {}),
    ...(d.endAt ? { endAt: d.endAt.toISOString() } : {}),
    ...(d.input === undefined ? {} : { input: d.input }),
  };
}

/** The declaration a schedule's memo holds; undefined when it holds none (not Fleet's, or written by an earlier Fleet). */
export function declarationFromMemo(memo: Record<string, unknown> | undefined): DeclarationMemo | undefined {
  const parsed = declarationMemoSchema.safeParse(memo?.[DECLARATION_MEMO_KEY]);
  return parsed.success ? (parsed.data as DeclarationMemo) : undefined;
}

/** The hash of the declaration a schedule's memo holds, without checking the rest of it (a pass's fast path). */
export function declarationHashInMemo(memo: Record<string, unknown> | undefined): string | undefined {
  const hash = (memo?.[DECLARATION_MEMO_KEY] as { hash?: unknown } | undefined)?.hash;
  return typeof hash === 'string' ? hash : undefined;
}

/** The project owning a schedule, from its memo; undefined when Fleet does not own it. */
export function ownerOf(memo: Record<string, unknown> | undefined): string | undefined {
  const owner = memo?.[OWNER_MEMO_KEY];
  return typeof owner === 'string' ? owner : undefined;
}

/**
 * Fleet's notes end with the declaration's hash. The note is the one field Fleet writes that a
 * listing of schedules (visibility) shows and every update can change, so a pass can tell from one
 * listing whether a schedule still stands as last written (not paused or re-noted outside Fleet).
 */
export function withDeclaration(note: string, hash: string): string {
  return `${note} (declaration ${hash})`;
}

/** The declaration hash a note ends with, if it is one Fleet wrote. */
export function declarationInNote(note: string | undefined): string | undefined {
  return /\(declaration ([0-9a-f]{32})\)$/.exec(note ?? '')?.[1];
}

/** The note of a schedule standing as declared. */
export function managedNote(d: Pick<ScheduleDeclaration, 'file'>, hash: string): string {
  return withDeclaration(`${MANAGED_NOTE_PREFIX} from ${d.file}`, hash);
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

/**
 * A canonical hash of everything declared, the declaring file included (the memo names it): key
 * order and formatting of the YAML do not matter.
 */
export function declarationHash(d: ScheduleDeclaration): string {
  const canonical = {
    file: d.file,
    workflowType: d.workflowType,
    taskQueue: d.taskQueue,
    cron: d.cron,
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

/** The Temporal schedule a declaration asks for: its memo holds its owner and the declaration. */
export function compileSchedule(d: ScheduleDeclaration): DesiredSchedule {
  const memo = declarationMemo(d);
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
    },
    policies: {
      overlap: OVERLAP[d.overlapPolicy],
      pauseOnFailure: d.pauseOnFailure,
      catchupWindow: d.catchupWindowMs ?? DEFAULT_CATCHUP_WINDOW_MS,
    },
    state: { paused: !d.enabled, note: managedNote(d, memo.hash) },
    memo: { [OWNER_MEMO_KEY]: d.project, [DECLARATION_MEMO_KEY]: memo },
  };
}
