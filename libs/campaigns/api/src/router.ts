import { dayInTimeZone, rootCauseMessage } from '@fleet/shared-domain';
import {
  InvalidInputError,
  bounded,
  describeOfType,
  describeRun,
  isNotFound,
  parseBody,
  queryOrNull,
  sendNoSuch,
  sendProblem,
  requireScope,
  type DomainApiContext,
} from '@fleet/shared-http';
import {
  auditInputSchema,
  campaignAgentProgressQuery,
  campaignAuditWorkflowId,
  campaignApproveUpdate,
  campaignCancelUpdate,
  campaignCreateUpdate,
  campaignPauseUpdate,
  campaignRejectUpdate,
  campaignResumeUpdate,
  campaignScheduleUpdate,
  campaignStateQuery,
  campaignSubmitUpdate,
  campaignWorkflowId,
  campaignsDomain,
  cancelInputSchema,
  createCampaignInputSchema,
  decisionInputSchema,
  localToInstant,
  pauseInputSchema,
  scheduleInputSchema,
  submitInputSchema,
  type CampaignView,
  type CreateCampaignInput,
} from '@fleet/campaigns-contracts';
import {
  WithStartWorkflowOperation,
  WorkflowExecutionAlreadyStartedError,
  WorkflowFailedError,
  WorkflowUpdateFailedError,
  WorkflowUpdateRPCTimeoutOrCancelledError,
  type Client,
  type UpdateDefinition,
} from '@temporalio/client';
import { Router } from 'express';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { auditPathSchema, campaignPathSchema } from './schemas';

const { campaign, audit } = campaignsDomain.workflows;
const taskQueue = campaignsDomain.taskQueue;

/** A path parameter parsed by its schema: a refusal is a 400 naming the parameter. */
function parsePath<S extends z.ZodType>(schema: S, params: unknown): z.output<S> {
  const parsed = schema.safeParse(params);
  if (!parsed.success) throw new InvalidInputError(parsed.error, 'Invalid path', '(path)');
  return parsed.data;
}

/**
 * The dates as the workflow reads them at its start (it starts today or later and ends in the
 * future, in its time zone): refused here first, a 400 naming the field, so no workflow is started
 * only to fail on them.
 */
function checkDates(input: CreateCampaignInput, now: number): void {
  const issues: z.core.$ZodIssue[] = [];
  const end = localToInstant(input.endAt, input.timeZone);
  if (end !== undefined && end <= now) issues.push({ code: 'custom', path: ['endAt'], message: `the campaign ends (${input.endAt} ${input.timeZone}) before now`, input: input.endAt });
  const today = dayInTimeZone(new Date(now), input.timeZone);
  if (input.startAt.slice(0, 10) < today) issues.push({ code: 'custom', path: ['startAt'], message: `the campaign starts (${input.startAt}) before today (${today}) in ${input.timeZone}`, input: input.startAt });
  if (issues.length) throw new InvalidInputError(new z.ZodError(issues));
}

/**
 * What the routes answer when Temporal or the workflow refused a change or did not take it in
 * time; undefined for anything else (the pipeline's error handler answers those).
 */
async function refusal(client: Client, err: unknown, workflowId: string): Promise<[number, string, string] | undefined> {
  if (err instanceof WorkflowUpdateFailedError) {
    // The id may be another kind of workflow's (the agents' ids start with `campaign-` too): no such campaign.
    if (!(await describeOfType(client, workflowId, campaign.type))) return [404, 'Not found', 'no such campaign'];
    // The workflow's validator (or handler) refused: its message says why.
    return [409, 'Conflict', rootCauseMessage(err)];
  }
  if (err instanceof WorkflowUpdateRPCTimeoutOrCancelledError) {
    return [503, 'Temporal unavailable', 'the campaign did not take the change in time; is the campaign worker running? Try again later.'];
  }
  if (isNotFound(err)) {
    // An Update of a run that has ended is "not found" to Temporal: an ended campaign is a conflict, not a 404.
    const description = await describeOfType(client, workflowId, campaign.type);
    if (description) return [409, 'Conflict', `the campaign has ended (its workflow is ${description.status.name}); it takes no more changes`];
    return [404, 'Not found', 'no such campaign'];
  }
  return undefined;
}

type Found = { view: CampaignView } | { failure: string } | undefined;

/**
 * The campaign of a workflow id: a running one's query, an ended one's result (read from its
 * history, no worker needed); a run that failed (its creation refused) says why; undefined when
 * there is none.
 */
async function campaignOf(client: Client, workflowId: string): Promise<Found> {
  // Described first: an unknown campaign is a 404 at once, never a query waiting on a worker.
  const description = await describeOfType(client, workflowId, campaign.type);
  if (!description) return undefined;
  const handle = client.workflow.getHandle(workflowId, description.runId);
  try {
    if (description.status.name === 'RUNNING') return { view: await handle.query(campaignStateQuery) };
    return { view: (await handle.result()) as CampaignView };
  } catch (err) {
    if (err instanceof WorkflowFailedError) return { failure: rootCauseMessage(err) };
    if (isNotFound(err)) return undefined;
    throw err;
  }
}

/** The campaigns API: campaigns created (idempotently), read and moved through their workflows' Updates. */
export function campaignsRouter(ctx: DomainApiContext): Router {
  const { client } = ctx;
  const router = Router();
  const read = requireScope(campaignsDomain.scopes.read);
  const write = requireScope(campaignsDomain.scopes.write);
  const location = (key: string) => `/api/v0/campaigns/campaigns/${encodeURIComponent(key)}`;

  // Creating is idempotent: update-with-start finds the running campaign of the key and answers its
  // state (once recorded); a campaign of the key that has ended is answered as it ended (the key is
  // not used again: REJECT_DUPLICATE).
  router.post('/campaigns/campaigns', write, bounded(ctx, async (req, res) => {
    const input = parseBody(createCampaignInputSchema, req.body);
    checkDates(input, Date.now());
    const workflowId = campaign.id(input, '');
    try {
      const view = await client.workflow.executeUpdateWithStart(campaignCreateUpdate, {
        args: [input],
        startWorkflowOperation: new WithStartWorkflowOperation(campaign.type, {
          workflowId,
          taskQueue,
          args: [input],
          workflowIdConflictPolicy: 'USE_EXISTING',
          workflowIdReusePolicy: 'REJECT_DUPLICATE',
        }),
      });
      res.status(200).location(location(view.idempotencyKey)).json(view);
    } catch (err) {
      if (err instanceof WorkflowExecutionAlreadyStartedError) {
        const found = await campaignOf(client, workflowId);
        if (found && 'view' in found) return void res.status(200).location(location(input.idempotencyKey)).json(found.view);
        return sendProblem(res, 409, 'Conflict', `campaign ${input.idempotencyKey} was refused${found ? ` (${found.failure})` : ''}; its key is not used again`);
      }
      const answer = await refusal(client, err, workflowId);
      if (!answer) throw err;
      // The key names another kind of workflow (an agent's id starts with `campaign-` too).
      if (answer[0] === 404) return sendProblem(res, 409, 'Conflict', `idempotencyKey ${input.idempotencyKey} is taken by another workflow; choose another key`);
      sendProblem(res, ...answer);
    }
  }));

  router.get('/campaigns/campaigns/:idempotencyKey', read, bounded(ctx, async (req, res) => {
    const { idempotencyKey } = parsePath(campaignPathSchema, req.params);
    const found = await campaignOf(client, campaignWorkflowId(idempotencyKey));
    if (!found || !('view' in found)) return sendNoSuch(res, 'campaign');
    res.json(found.view);
  }));

  // Each move is its Update: validated here first (a 400 naming the field, nothing sent), then by
  // the workflow's validator against its state (a 409 saying why, nothing recorded); the answer is the new state.
  const change = <I, O extends I>(action: string, schema: z.ZodType<O, I>, update: UpdateDefinition<CampaignView, [I]>) =>
    router.post(`/campaigns/campaigns/:idempotencyKey/${action}`, write, bounded(ctx, async (req, res) => {
      const { idempotencyKey } = parsePath(campaignPathSchema, req.params);
      const input = parseBody(schema, req.body);
      const workflowId = campaignWorkflowId(idempotencyKey);
      try {
        res.json(await client.workflow.getHandle(workflowId).executeUpdate(update, { args: [input] }));
      } catch (err) {
        const answer = await refusal(client, err, workflowId);
        if (!answer) throw err;
        sendProblem(res, ...answer);
      }
    }));
  change('submit', submitInputSchema, campaignSubmitUpdate);
  change('approve', decisionInputSchema, campaignApproveUpdate);
  change('reject', decisionInputSchema, campaignRejectUpdate);
  change('schedule', scheduleInputSchema, campaignScheduleUpdate);
  change('pause', pauseInputSchema, campaignPauseUpdate);
  change('resume', pauseInputSchema, campaignResumeUpdate);
  change('cancel', cancelInputSchema, campaignCancelUpdate);

  // The digital presence audit of a domain, by its agents: one audit per domain and nonce (the
  // request's key: the same again answers that audit, running or ended; without one, a new audit).
  router.post('/campaigns/audits', write, bounded(ctx, async (req, res) => {
    const input = parseBody(auditInputSchema, req.body);
    const parsed = { ...input, nonce: input.nonce ?? randomUUID().slice(0, 8) };
    const workflowId = campaignAuditWorkflowId(parsed);
    const answer = (runId: string, alreadyStarted: boolean) =>
      res.status(202).location(`/api/v0/campaigns/audits/${encodeURIComponent(workflowId)}`).json({ workflowId, runId, domain: parsed.domain, alreadyStarted });
    try {
      const handle = await client.workflow.start(audit.type, {
        workflowId,
        taskQueue: audit.taskQueue ?? taskQueue,
        args: [parsed],
        workflowIdConflictPolicy: 'FAIL',
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
      });
      answer(handle.firstExecutionRunId, false);
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
      const existing = await describeOfType(client, workflowId, audit.type);
      if (!existing) return sendProblem(res, 409, 'Conflict', `the audit id ${workflowId} is taken by another workflow; choose another nonce`);
      answer(existing.runId, true);
    }
  }));

  router.get('/campaigns/audits/:workflowId', read, bounded(ctx, async (req, res) => {
    const { workflowId } = parsePath(auditPathSchema, req.params);
    const view = await describeRun(client, workflowId, audit.type, (handle) => queryOrNull(client, () => handle.query(campaignAgentProgressQuery)));
    if (!view) return sendNoSuch(res, 'audit');
    res.json(view);
  }));

  return router;
}
