import { ticketingDomain, ticketingSampleStateQuery } from '@fleet/ticketing-contracts';
import { bounded, describeRun, parseBody, queryOrNull, requireScope, sendNoSuch, startDomainWorkflow, type DomainApiContext } from '@fleet/shared-http';
import { Router } from 'express';

const { sample } = ticketingDomain.workflows;

/** The ticketing API: start a sample and read it, through Temporal only. */
export function ticketingRouter(ctx: DomainApiContext): Router {
  const { client } = ctx;
  const router = Router();
  const read = requireScope(ticketingDomain.scopes.read);
  const write = requireScope(ticketingDomain.scopes.write);

  // One workflow per sample id: the same sample asked twice while it runs answers with that run.
  router.post('/ticketing/samples', write, bounded(ctx, async (req, res) => {
    const body = parseBody(sample.input, req.body);
    const { workflowId, runId, alreadyStarted } = await startDomainWorkflow(client, ticketingDomain, 'sample', body, { ifRunning: 'use-it' });
    res.status(202).location(`/api/v0/ticketing/samples/${encodeURIComponent(workflowId)}`).json({ workflowId, runId, alreadyStarted });
  }));

  router.get('/ticketing/samples/:workflowId', read, bounded(ctx, async (req, res) => {
    const view = await describeRun(client, String(req.params.workflowId), sample.type, (handle) => queryOrNull(client, () => handle.query(ticketingSampleStateQuery)));
    if (!view) return sendNoSuch(res, 'ticketing sample');
    res.json(view);
  }));

  return router;
}
