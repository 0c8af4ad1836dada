import {
  bounded,
  describeOfType,
  describeRun,
  isNotFound,
  listRuns,
  parseBody,
  parseQuery,
  queryOrNull,
  requireScope,
  sendNoSuch,
  sendProblem,
  startDomainWorkflow,
  type DomainApiContext,
} from '@fleet/shared-http';
import { rootCauseMessage } from '@fleet/shared-domain';
import {
  VSYNC_TIME_ZONE,
  dayInTimeZone,
  decideReconciliationUpdate,
  reconciliationStateQuery,
  verificationProgressQuery,
  vsyncDomain,
  vsyncVerificationInputSchema,
} from '@fleet/vsync-contracts';
import { WorkflowUpdateFailedError, WorkflowUpdateRPCTimeoutOrCancelledError } from '@temporalio/client';
import { Router } from 'express';
import { decisionBody, listQuery } from './schemas';

const { verification, reconciliation } = vsyncDomain.workflows;

/** The vsync API: verifications started and reported, reconciliations reported, approved or rejected. */
export function vsyncRouter(ctx: DomainApiContext): Router {
  const { client } = ctx;
  const router = Router();
  const read = requireScope(vsyncDomain.scopes.read);
  const write = requireScope(vsyncDomain.scopes.write);
  const verificationProgress = (handle: ReturnType<typeof client.workflow.getHandle>) => queryOrNull(client, () => handle.query(verificationProgressQuery));
  const reconciliationProgress = (handle: ReturnType<typeof client.workflow.getHandle>) => queryOrNull(client, () => handle.query(reconciliationStateQuery));

  router.post('/vsync/verifications', write, bounded(ctx, async (req, res) => {
    const body = parseBody(vsyncVerificationInputSchema, req.body);
    const day = body.day ?? dayInTimeZone(new Date(), VSYNC_TIME_ZONE);
    const { workflowId, runId } = await startDomainWorkflow(client, vsyncDomain, 'verification', { ...body, day });
    res.status(202).location(`/api/v0/vsync/verifications/${encodeURIComponent(workflowId)}`).json({ workflowId, runId, day });
  }));

  router.get('/vsync/verifications', read, bounded(ctx, async (req, res) => {
    const { limit } = parseQuery(listQuery, req.query);
    res.json({ verifications: await listRuns(client, verification.type, limit, verificationProgress) });
  }));

  router.get('/vsync/verifications/:workflowId', read, bounded(ctx, async (req, res) => {
    const view = await describeRun(client, String(req.params.workflowId), verification.type, verificationProgress);
    if (!view) return sendNoSuch(res, 'verification');
    res.json(view);
  }));

  router.get('/vsync/reconciliations', read, bounded(ctx, async (req, res) => {
    const { limit } = parseQuery(listQuery, req.query);
    res.json({ reconciliations: await listRuns(client, reconciliation.type, limit, reconciliationProgress) });
  }));

  router.get('/vsync/reconciliations/:workflowId', read, bounded(ctx, async (req, res) => {
    const view = await describeRun(client, String(req.params.workflowId), reconciliation.type, reconciliationProgress);
    if (!view) return sendNoSuch(res, 'reconciliation');
    res.json(view);
  }));

  for (const [action, approve] of [['approve', true], ['reject', false]] as const) {
    router.post(`/vsync/reconciliations/:workflowId/${action}`, write, bounded(ctx, async (req, res) => {
      const body = parseBody(decisionBody, req.body);
      const workflowId = String(req.params.workflowId);
      const description = await describeOfType(client, workflowId, reconciliation.type);
      if (!description) return sendNoSuch(res, 'reconciliation');
      if (description.status.name !== 'RUNNING') {
        return sendProblem(res, 409, 'Conflict', `the reconciliation is not waiting for approval (it is ${description.status.name})`);
      }
      try {
        const state = await client.workflow.getHandle(workflowId, description.runId).executeUpdate(decideReconciliationUpdate, { args: [{ ...body, approve }] });
        res.json({ workflowId, decision: approve ? 'approved' : 'rejected', state });
      } catch (err) {
        if (isNotFound(err)) return sendNoSuch(res, 'reconciliation');
        if (err instanceof WorkflowUpdateFailedError) {
          // The workflow's own validator: its words are ours.
          const message = rootCauseMessage(err);
          if (/not waiting for approval/.test(message)) return sendProblem(res, 409, 'Conflict', message);
          return sendProblem(res, 400, 'Decision refused', message);
        }
        if (err instanceof WorkflowUpdateRPCTimeoutOrCancelledError) {
          return sendProblem(res, 503, 'Temporal unavailable', 'the reconciliation did not take the decision in time; is the vsync worker running? Try again later.');
        }
        throw err;
      }
    }));
  }

  return router;
}
