import { LICENSE_TIME_ZONE, dayInTimeZone, deactivationProgressQuery, licenseDomain } from '@fleet/license-contracts';
import { bounded, describeRun, parseBody, queryOrNull, requireScope, sendNoSuch, startDomainWorkflow, type DomainApiContext } from '@fleet/shared-http';
import { licenseRenewalInputSchema } from '@fleet/license-contracts';
import { Router } from 'express';
import { startDeactivationBody } from './schemas';

const { deactivation, renewal } = licenseDomain.workflows;

/** The license API: manual deactivation batches and renewals, started and reported through Temporal. */
export function licenseRouter(ctx: DomainApiContext): Router {
  const { client } = ctx;
  const router = Router();
  const read = requireScope(licenseDomain.scopes.read);
  const write = requireScope(licenseDomain.scopes.write);

  router.post('/license-deactivations', write, bounded(ctx, async (req, res) => {
    const body = parseBody(startDeactivationBody, req.body);
    const batchDate = body.batchDate ?? dayInTimeZone(new Date(), LICENSE_TIME_ZONE);
    const { workflowId, runId } = await startDomainWorkflow(client, licenseDomain, 'deactivation', { ...body, batchDate });
    res.status(202).location(`/api/v0/license-deactivations/${encodeURIComponent(workflowId)}`).json({ workflowId, runId, batchDate, dryRun: body.dryRun });
  }));

  router.get('/license-deactivations/:workflowId', read, bounded(ctx, async (req, res) => {
    const view = await describeRun(client, String(req.params.workflowId), deactivation.type, (handle) => queryOrNull(client, () => handle.query(deactivationProgressQuery)));
    if (!view) return sendNoSuch(res, 'license deactivation');
    res.json(view);
  }));

  // One workflow per license and renewal date: the same renewal asked twice while it runs answers with that run.
  router.post('/license-renewals', write, bounded(ctx, async (req, res) => {
    const body = parseBody(licenseRenewalInputSchema, req.body);
    const { workflowId, runId, alreadyStarted } = await startDomainWorkflow(client, licenseDomain, 'renewal', body, { ifRunning: 'use-it' });
    res.status(202).location(`/api/v0/license-renewals/${encodeURIComponent(workflowId)}`).json({ workflowId, runId, alreadyStarted });
  }));

  router.get('/license-renewals/:workflowId', read, bounded(ctx, async (req, res) => {
    const view = await describeRun(client, String(req.params.workflowId), renewal.type);
    if (!view) return sendNoSuch(res, 'license renewal');
    res.json(view);
  }));

  return router;
}
