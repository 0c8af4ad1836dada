import {
  VSYNC_TASK_QUEUE,
  VSYNC_TIME_ZONE,
  VSYNC_WORKFLOW_TYPES,
  dayInTimeZone,
  decideReconciliationUpdate,
  reconciliationStateQuery,
  verificationProgressQuery,
} from '@fleet/vsync-contracts';
import { approvalDecisionSchema, vsyncVerificationInputSchema } from '@fleet/vsync-contracts';
import { WorkflowUpdateFailedError, WorkflowUpdateRPCTimeoutOrCancelledError, type Client, type WorkflowExecutionInfo } from '@temporalio/client';
import { Router, type Request, type Response } from 'express';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { requireScope } from '../auth';
import { sendProblem, sendValidationProblem } from '../problem';
import { isNotFound } from '../temporal-errors';

/** Scopes of the vsync API (bearer API key or JWT, as for the schedules API). */
export const VSYNC_SCOPES = { read: 'vsync:read', write: 'vsync:write' } as const;

/** The manual verification's workflow id: its day, and a random suffix so several may run. */
export function manualVerificationWorkflowId(day: string, suffix: string = randomUUID().slice(0, 8)): string {
  return `vsync-verification-${day}-manual-${suffix}`;
}

/** Who decides and why; approve or reject is the route. */
const decisionBody = approvalDecisionSchema.omit({ approve: true });

const listQuery = z
  .object({ limit: z.coerce.number({ message: 'expected a number' }).int('expected an integer').min(1).max(100).default(20) })
  .loose();

/** How long one list entry's query (state, progress) may take before it is reported as unknown. */
const ENTRY_QUERY_MS = 1500;
/** Results and queries of a listing fetched at most this many at a time. */
const CONCURRENCY = 8;

type Handle = ReturnType<Client['workflow']['getHandle']>;

export function vsyncRoutes(client: Client, rpcTimeoutMs: number): Router {
  const router = Router();
  const read = requireScope(VSYNC_SCOPES.read);
  const write = requireScope(VSYNC_SCOPES.write);
  // Every Temporal call a request makes shares one deadline, so an outage answers fast.
  const bounded =
    (handler: (req: Request, res: Response) => Promise<void>) =>
    (req: Request, res: Response): Promise<void> =>
      client.withDeadline(Date.now() + rpcTimeoutMs, () => handler(req, res));

  router.post('/verifications', write, bounded(async (req, res) => {
    const body = vsyncVerificationInputSchema.safeParse(req.body ?? {});
    if (!body.success) return sendValidationProblem(res, body.error);
    const day = body.data.day ?? dayInTimeZone(new Date(), VSYNC_TIME_ZONE);
    const workflowId = manualVerificationWorkflowId(day);
    const handle = await client.workflow.start(VSYNC_WORKFLOW_TYPES.verification, {
      taskQueue: VSYNC_TASK_QUEUE,
      workflowId,
      args: [{ ...body.data, day }],
    });
    res.status(202).location(`/api/v0/vsync/verifications/${workflowId}`).json({ workflowId, runId: handle.firstExecutionRunId, day });
  }));

  router.get('/verifications', read, bounded(async (req, res) => {
    const limit = parseLimit(req, res);
    if (limit === undefined) return;
    const verifications = await listRuns(client, VSYNC_WORKFLOW_TYPES.verification, limit, (handle) => queryOrNull(client, () => handle.query(verificationProgressQuery)));
    res.json({ verifications });
  }));

  router.get('/verifications/:workflowId', read, bounded(async (req, res) => {
    const view = await describeRun(client, res, String(req.params.workflowId), VSYNC_WORKFLOW_TYPES.verification, (handle) =>
      queryOrNull(client, () => handle.query(verificationProgressQuery)),
    );
    if (view) res.json(view);
  }));

  router.get('/reconciliations', read, bounded(async (req, res) => {
    const limit = parseLimit(req, res);
    if (limit === undefined) return;
    const reconciliations = await listRuns(client, VSYNC_WORKFLOW_TYPES.reconciliation, limit, (handle) => queryOrNull(client, () => handle.query(reconciliationStateQuery)));
    res.json({ reconciliations });
  }));

  router.get('/reconciliations/:workflowId', read, bounded(async (req, res) => {
    const view = await describeRun(client, res, String(req.params.workflowId), VSYNC_WORKFLOW_TYPES.reconciliation, (handle) =>
      queryOrNull(client, () => handle.query(reconciliationStateQuery)),
    );
    if (view) res.json(view);
  }));

  for (const [action, approve] of [['approve', true], ['reject', false]] as const) {
    router.post(`/reconciliations/:workflowId/${action}`, write, bounded(async (req, res) => {
      const body = decisionBody.safeParse(req.body ?? {});
      if (!body.success) return sendValidationProblem(res, body.error);
      const workflowId = String(req.params.workflowId);
      const description = await describeOrProblem(client, res, workflowId, VSYNC_WORKFLOW_TYPES.reconciliation);
      if (!description) return;
      if (description.status.name !== 'RUNNING') {
        return sendProblem(res, 409, 'Conflict', `reconciliation ${workflowId} is not waiting for approval (it is ${description.status.name})`);
      }
      try {
        const state = await client.workflow.getHandle(workflowId).executeUpdate(decideReconciliationUpdate, { args: [{ ...body.data, approve }] });
        res.json({ workflowId, decision: approve ? 'approved' : 'rejected', state });
      } catch (err) {
        if (isNotFound(err)) return sendProblem(res, 404, 'Not found', `no workflow ${workflowId}`);
        if (err instanceof WorkflowUpdateFailedError) {
          const message = rootCauseMessage(err);
          if (/not waiting for approval/.test(message)) return sendProblem(res, 409, 'Conflict', message);
          return sendProblem(res, 400, 'Decision refused', message);
        }
        if (err instanceof WorkflowUpdateRPCTimeoutOrCancelledError) {
          return sendProblem(res, 503, 'Temporal unavailable', `reconciliation ${workflowId} did not take the decision in time; is the vsync worker running? Try again later.`);
        }
        throw err;
      }
    }));
  }

  return router;
}

function parseLimit(req: Request, res: Response): number | undefined {
  const query = listQuery.safeParse(req.query);
  if (query.success) return query.data.limit;
  const errors = query.error.issues.map((i) => ({ field: i.path.join('.') || '(query)', message: i.message }));
  sendProblem(res, 400, 'Invalid query', errors.map((e) => `${e.field}: ${e.message}`).join('; '), errors);
  return undefined;
}

/**
 * A query's answer, or null when the workflow does not answer soon (no worker, say): a listing never
 * waits on one. The deadline ends the call itself (not only our wait), so no call is left running.
 */
function queryOrNull<T>(client: Client, query: () => Promise<T>): Promise<T | null> {
  return client.withDeadline(Date.now() + ENTRY_QUERY_MS, query).catch(() => null);
}

/** Runs `fn` over `items`, at most `CONCURRENCY` at a time, keeping their order. */
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
 * The most recent runs of a workflow type (Temporal visibility: a second or two behind at most),
 * newest first: each with its status and times, a running one's live view, a completed one's result.
 */
async function listRuns(client: Client, workflowType: string, limit: number, live: (handle: Handle) => Promise<unknown>) {
  const executions: WorkflowExecutionInfo[] = [];
  for await (const execution of client.workflow.list({ query: `WorkflowType = '${workflowType}'`, pageSize: limit })) {
    executions.push(execution);
    if (executions.length >= limit) break;
  }
  executions.sort((a, b) => b.startTime.getTime() - a.startTime.getTime());
  return mapBounded(executions, async (e) => {
    const handle = client.workflow.getHandle(e.workflowId, e.runId);
    const status = e.status.name;
    return {
      workflowId: e.workflowId,
      runId: e.runId,
      status,
      startTime: e.startTime.toISOString(),
      closeTime: e.closeTime?.toISOString() ?? null,
      ...(status === 'RUNNING' ? { state: await live(handle) } : {}),
      ...(status === 'COMPLETED' ? { result: await handle.result().catch(() => null) } : {}),
    };
  });
}

async function describeOrProblem(client: Client, res: Response, workflowId: string, workflowType: string) {
  let description;
  try {
    description = await client.workflow.getHandle(workflowId).describe();
  } catch (err) {
    if (!isNotFound(err)) throw err;
    sendProblem(res, 404, 'Not found', `no workflow ${workflowId}`);
    return undefined;
  }
  if (description.type !== workflowType) {
    sendProblem(res, 404, 'Not found', `${workflowId} is a ${description.type}, not a ${workflowType}`);
    return undefined;
  }
  return description;
}

/** One run of the given type: status and times, its live view while running, its result or failure once closed. */
async function describeRun(client: Client, res: Response, workflowId: string, workflowType: string, live: (handle: Handle) => Promise<unknown>) {
  const description = await describeOrProblem(client, res, workflowId, workflowType);
  if (!description) return undefined;
  const handle = client.workflow.getHandle(workflowId, description.runId);
  const status = description.status.name;
  const view: Record<string, unknown> = {
    workflowId,
    runId: description.runId,
    status,
    startTime: description.startTime.toISOString(),
    closeTime: description.closeTime?.toISOString() ?? null,
  };
  if (status === 'RUNNING') view.state = await live(handle);
  else if (status === 'COMPLETED') view.result = await handle.result();
  else if (status !== 'CONTINUED_AS_NEW') {
    view.failure = await handle.result().then(
      () => null,
      (err: unknown) => rootCauseMessage(err),
    );
  }
  return view;
}

/** The innermost cause's message: the workflow's own error (an update validator's, an activity's). */
function rootCauseMessage(err: unknown): string {
  let e = err;
  while (e instanceof Error && e.cause instanceof Error) e = e.cause;
  return e instanceof Error ? e.message : String(e);
}
