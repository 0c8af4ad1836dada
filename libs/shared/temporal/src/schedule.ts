import {
  ScheduleAlreadyRunning,
  ScheduleNotFoundError,
  type Client,
  type ScheduleOptions,
  type ScheduleOptionsStartWorkflowAction,
} from '@temporalio/client';
import type { Workflow } from '@temporalio/common';
import { createHash } from 'node:crypto';

export type DesiredSchedule = ScheduleOptions<ScheduleOptionsStartWorkflowAction<Workflow>>;
export type EnsureOutcome = 'created' | 'updated' | 'unchanged';

/** The memo key, on the schedule's action, holding the hash of the spec Fleet last wrote. */
export const SPEC_HASH_MEMO_KEY = 'fleetScheduleSpecHash';

/**
 * Creates the schedule, or updates it when its declared spec changed since Fleet last wrote it.
 * Temporal never returns a cron string back, so change is judged by a hash of what was declared,
 * kept in the action's memo (the schedule's own memo cannot be updated). Pause state and note are
 * left as they are: pausing from the CLI or UI survives a restart.
 */
export async function ensureSchedule(client: Client, desired: DesiredSchedule): Promise<EnsureOutcome> {
  const hash = specHash(desired);
  const action = { ...desired.action, memo: { ...desired.action.memo, [SPEC_HASH_MEMO_KEY]: hash } };
  const handle = client.schedule.getHandle(desired.scheduleId);
  let current;
  try {
    current = await handle.describe();
  } catch (err) {
    if (!(err instanceof ScheduleNotFoundError)) throw err;
    try {
      await client.schedule.create({ ...desired, action });
      return 'created';
    } catch (createErr) {
      // Another instance created it meanwhile: judge that one instead.
      if (createErr instanceof ScheduleAlreadyRunning) return ensureSchedule(client, desired);
      throw createErr;
    }
  }
  if (current.action.type === 'startWorkflow' && current.action.memo?.[SPEC_HASH_MEMO_KEY] === hash) return 'unchanged';
  await handle.update((previous) => ({
    spec: desired.spec,
    action,
    policies: desired.policies,
    state: { paused: previous.state.paused, note: previous.state.note },
  }));
  return 'updated';
}

/** A hash of the declared schedule, independent of key order. */
export function specHash(desired: DesiredSchedule): string {
  const { spec, action, policies } = desired;
  return createHash('sha256').update(stableJson({ spec, action, policies })).digest('hex').slice(0, 32);
}

function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : 1));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(',')}}`;
  }
  if (typeof value === 'function') return JSON.stringify(value.name);
  return JSON.stringify(value) ?? 'null';
}
