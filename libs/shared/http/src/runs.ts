import { rootCauseMessage } from '@fleet/shared-domain';
import { WorkflowFailedError, type Client, type WorkflowExecutionDescription, type WorkflowExecutionInfo } from '@temporalio/client';
import { z } from 'zod';
import { withDeadline } from './deadline';
import { isInvalidArgument, isNotFound } from './errors';

type Handle = ReturnType<Client['workflow']['getHandle']>;

/** Temporal's execution statuses. */
export const RUN_STATUSES = ['RUNNING', 'COMPLETED', 'FAILED', 'CANCELLED', 'TERMINATED', 'CONTINUED_AS_NEW', 'TIMED_OUT', 'PAUSED', 'UNSPECIFIED', 'UNKNOWN'] as const;

/**
 * One run of any workflow, as every route of every domain shows it:
 * - `workflowId`, `runId`, `type`, `status`, `startTime`, `closeTime` (null while open): always;
 * - `progress`: while RUNNING, the answer of the workflow's progress query, null when the worker does
 *   not answer in time; absent for workflows without one;
 * - `result`: once COMPLETED;
 * - `failure`: once FAILED, CANCELLED, TERMINATED or TIMED_OUT, the innermost cause's message.
 */
export interface RunView {
  workflowId: string;
  runId: string;
  type: string;
  status: (typeof RUN_STATUSES)[number];
  startTime: string;
  closeTime: string | null;
  progress?: unknown;
  result?: unknown;
  failure?: string;
}

/** The schema of {@link RunView} with a workflow's own progress and result schemas (for the OpenAPI document). */
export function runViewSchema<P extends z.ZodType, R extends z.ZodType>(shapes: { progress?: P; result: R }) {
  return z.object({
    workflowId: z.string(),
    runId: z.string(),
    type: z.string(),
    status: z.enum(RUN_STATUSES),
    startTime: z.string().meta({ format: 'date-time' }),
    closeTime: z.string().meta({ format: 'date-time' }).nullable(),
    ...(shapes.progress ? { progress: shapes.progress.nullable().optional().meta({ description: 'While running: the live progress (null when the worker does not answer in time)' }) } : {}),
    result: shapes.result.optional().meta({ description: 'Once completed' }),
    failure: z.string().optional().meta({ description: 'Why a run that did not complete ended (its innermost cause)' }),
  });
}

/** How a run's live progress is read: a query, under its own short deadline. */
export type ProgressReader = (handle: Handle) => Promise<unknown>;

/** How long one run's progress query may take before it is reported as null (no worker, say). */
export const PROGRESS_QUERY_MS = 1500;

/**
 * A query's answer, or null when the workflow does not answer within {@link PROGRESS_QUERY_MS}: a
 * description never waits on a worker. The deadline ends the call itself.
 */
export function queryOrNull<T>(client: Client, query: () => Promise<T>): Promise<T | null> {
  return withDeadline(client, PROGRESS_QUERY_MS, query).catch(() => null);
}

/** The description of the workflow if it is of `type`; undefined when there is none, or it is of another type (no difference shown). */
export async function describeOfType(client: Client, workflowId: string, type: string): Promise<WorkflowExecutionDescription | undefined> {
  try {
    const description = await client.workflow.getHandle(workflowId).describe();
    return description.type === type ? description : undefined;
  } catch (err) {
    if (isNotFound(err) || isInvalidArgument(err)) return undefined;
    throw err;
  }
}

const FAILED = new Set(['FAILED', 'CANCELLED', 'TERMINATED', 'TIMED_OUT']);

/**
 * A run as {@link RunView}. Its result (or why it failed) is read from Temporal; in a listing
 * (`forgiving`) a result that cannot be read in time is left out rather than failing the list.
 */
async function viewOf(client: Client, execution: WorkflowExecutionInfo | WorkflowExecutionDescription, progress: ProgressReader | undefined, forgiving: boolean): Promise<RunView> {
  const handle = client.workflow.getHandle(execution.workflowId, execution.runId);
  const status = execution.status.name;
  const view: RunView = {
    workflowId: execution.workflowId,
    runId: execution.runId,
    type: execution.type,
    status,
    startTime: execution.startTime.toISOString(),
    closeTime: execution.closeTime?.toISOString() ?? null,
  };
  if (status === 'RUNNING' && progress) {
    view.progress = await progress(handle);
    return view;
  }
  if (status !== 'COMPLETED' && !FAILED.has(status)) return view;
  try {
    const result: unknown = await handle.result();
    if (status === 'COMPLETED') view.result = result;
  } catch (err) {
    // The run's own failure (an activity's, the workflow's, a termination): its innermost cause.
    if (err instanceof WorkflowFailedError) view.failure = rootCauseMessage(err);
    else if (!forgiving) throw err;
  }
  return view;
}

/** One run of the workflow of `type` (its latest), or undefined: unknown, or of another type. */
export async function describeRun(client: Client, workflowId: string, type: string, progress?: ProgressReader): Promise<RunView | undefined> {
  const description = await describeOfType(client, workflowId, type);
  return description && viewOf(client, description, progress, false);
}

/** Results and queries of a listing are fetched at most this many at a time. */
const CONCURRENCY = 8;

/** Runs `fn` over `items`, at most {@link CONCURRENCY} at a time, keeping their order. */
async function mapBounded<T, R>(items: T[], fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array<R>(items.length);
  let next = 0;
  const lane = async () => {
    for (let i = next++; i < items.length; i = next++) out[i] = await fn(items[i] as T);
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, items.length) }, lane));
  return out;
}

/**
 * The most recent runs of a workflow type, newest first (Temporal's visibility: a second or two
 * behind at most), each as {@link RunView}; a result that cannot be read is null rather than failing the list.
 */
export async function listRuns(client: Client, type: string, limit: number, progress?: ProgressReader): Promise<RunView[]> {
  const executions: WorkflowExecutionInfo[] = [];
  // The type comes from a manifest, never from the request: nothing to escape.
  for await (const execution of client.workflow.list({ query: `WorkflowType = '${type}'`, pageSize: limit })) {
    executions.push(execution);
    if (executions.length >= limit) break;
  }
  executions.sort((a, b) => b.startTime.getTime() - a.startTime.getTime());
  // The running runs' progress queries share one budget: a listing of runs nobody answers for (no
  // worker) costs PROGRESS_QUERY_MS in all, not that much per run.
  const progressBy = Date.now() + PROGRESS_QUERY_MS;
  const budgeted: ProgressReader | undefined =
    progress && ((handle) => (Date.now() >= progressBy ? Promise.resolve(null) : withDeadline(client, progressBy - Date.now(), () => progress(handle)).catch(() => null)));
  return mapBounded(executions, (e) => viewOf(client, e, budgeted, true));
}
