import {
  LICENSE_TASK_QUEUE,
  LICENSE_TIME_ZONE,
  LICENSE_WORKFLOW_TYPES,
  dayInTimeZone,
  deactivationProgressQuery,
  licenseRenewalWorkflowId,
  manualDeactivationWorkflowId,
} from '@fleet/license-contracts';
import { licenseDeactivationInputSchema, licenseRenewalInputSchema } from '@fleet/license-contracts';
import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import { Router, type Request, type Response } from 'express';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { sendProblem, sendValidationProblem } from '../problem';
import { isNotFound } from '../temporal-errors';

/** What a caller may set when starting a deactivation batch by hand. */
const startDeactivationBody = licenseDeactivationInputSchema
  .pick({ batchDate: true, batchSize: true, gracePeriodDays: true })
  .extend({ dryRun: z.boolean({ message: 'expected true or false' }) })
  .strict();

export function licenseRoutes(client: Client, rpcTimeoutMs: number): Router {
  const router = Router();
  // Every Temporal call a request makes shares one deadline, so an outage answers fast.
  const bounded =
    (handler: (req: Request, res: Response) => Promise<void>) =>
    (req: Request, res: Response): Promise<void> =>
      client.withDeadline(Date.now() + rpcTimeoutMs, () => handler(req, res));

  router.post('/license-deactivations', bounded(async (req, res) => {
    const body = startDeactivationBody.safeParse(req.body ?? {});
    if (!body.success) return sendValidationProblem(res, body.error);
    const batchDate = body.data.batchDate ?? dayInTimeZone(new Date(), LICENSE_TIME_ZONE);
    const workflowId = manualDeactivationWorkflowId(batchDate, body.data.dryRun, randomUUID().slice(0, 8));
    const handle = await client.workflow.start(LICENSE_WORKFLOW_TYPES.deactivation, {
      taskQueue: LICENSE_TASK_QUEUE,
      workflowId,
      args: [{ ...body.data, batchDate }],
    });
    res
      .status(202)
      .location(`/api/v0/license-deactivations/${workflowId}`)
      .json({ workflowId, runId: handle.firstExecutionRunId, batchDate, dryRun: body.data.dryRun });
  }));

  router.get('/license-deactivations/:workflowId', bounded(async (req, res) => {
    await describeRun(client, res, String(req.params.workflowId), LICENSE_WORKFLOW_TYPES.deactivation, async (handle) =>
      handle.query(deactivationProgressQuery).catch(() => null),
    );
  }));

  router.post('/license-renewals', bounded(async (req, res) => {
    const body = licenseRenewalInputSchema.safeParse(req.body ?? {});
    if (!body.success) return sendValidationProblem(res, body.error);
    const workflowId = licenseRenewalWorkflowId(body.data.licenseId, body.data.renewalDate);
    let runId: string | undefined;
    try {
      const handle = await client.workflow.start(LICENSE_WORKFLOW_TYPES.renewal, {
        taskQueue: LICENSE_TASK_QUEUE,
        workflowId,
        args: [body.data],
      });
      runId = handle.firstExecutionRunId;
    } catch (err) {
      // The same renewal is already being applied: answer with it rather than start it twice.
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    }
    res.status(202).location(`/api/v0/license-renewals/${workflowId}`).json({ workflowId, runId, alreadyStarted: !runId });
  }));

  router.get('/license-renewals/:workflowId', bounded(async (req, res) => {
    await describeRun(client, res, String(req.params.workflowId), LICENSE_WORKFLOW_TYPES.renewal, async () => null);
  }));

  return router;
}

type Handle = ReturnType<Client['workflow']['getHandle']>;

/** Status of a workflow of the given type, with its result or failure once closed. */
async function describeRun(
  client: Client,
  res: Response,
  workflowId: string,
  workflowType: string,
  progress: (handle: Handle) => Promise<unknown>,
): Promise<void> {
  const handle = client.workflow.getHandle(workflowId);
  let description;
  try {
    description = await handle.describe();
  } catch (err) {
    if (isNotFound(err)) return sendProblem(res, 404, 'Not found', `no workflow ${workflowId}`);
    throw err;
  }
  if (description.type !== workflowType) {
    return sendProblem(res, 404, 'Not found', `${workflowId} is a ${description.type}, not a ${workflowType}`);
  }
  const status = description.status.name;
  const body: Record<string, unknown> = {
    workflowId,
    runId: description.runId,
    status,
    startTime: description.startTime.toISOString(),
    closeTime: description.closeTime?.toISOString() ?? null,
  };
  if (status === 'RUNNING') body.progress = await progress(handle);
  if (status === 'COMPLETED') body.result = await handle.result();
  if (status === 'FAILED' || status === 'TERMINATED' || status === 'TIMED_OUT' || status === 'CANCELLED') {
    body.failure = await handle.result().then(
      () => null,
      (err: unknown) => rootCauseMessage(err),
    );
  }
  res.json(body);
}

/** The innermost cause of a workflow failure: the activity's or workflow's own error message. */
function rootCauseMessage(err: unknown): string {
  let e = err;
  while (e instanceof Error && e.cause instanceof Error) e = e.cause;
  return e instanceof Error ? e.message : String(e);
}
