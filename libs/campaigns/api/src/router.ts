import { campaignsDomain, campaignsSampleStateQuery } from '@fleet/campaigns-contracts';
import { bounded, describeRun, parseBody, queryOrNull, requireScope, sendNoSuch, startDomainWorkflow, type DomainApiContext } from '@fleet/shared-http';
import { Router } from 'express';

const { sample } = campaignsDomain.workflows;

/** The campaigns API: start a sample and read it, through Temporal only. */
export function campaignsRouter(ctx: DomainApiContext): Router {
  const { client } = ctx;
  const router = Router();
  const read = requireScope(campaignsDomain.scopes.read);
  const write = requireScope(campaignsDomain.scopes.write);

  // One workflow per sample id: the same sample asked twice while it runs answers with that run.
  router.post('/campaigns/samples', write, bounded(ctx, async (req, res) => {
    const body = parseBody(sample.input, req.body);
    const { workflowId, runId, alreadyStarted } = await startDomainWorkflow(client, campaignsDomain, 'sample', body, { ifRunning: 'use-it' });
    res.status(202).location(`/api/v0/campaigns/samples/${encodeURIComponent(workflowId)}`).json({ workflowId, runId, alreadyStarted });
  }));

  router.get('/campaigns/samples/:workflowId', read, bounded(ctx, async (req, res) => {
    const view = await describeRun(client, String(req.params.workflowId), sample.type, (handle) => queryOrNull(client, () => handle.query(campaignsSampleStateQuery)));
    if (!view) return sendNoSuch(res, 'campaigns sample');
    res.json(view);
  }));

  return router;
}
