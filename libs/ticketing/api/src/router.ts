import { rootCauseMessage } from '@fleet/shared-domain';
import {
  InvalidInputError,
  bounded,
  describeOfType,
  isInvalidArgument,
  isNotFound,
  parseBody,
  parseQuery,
  requireScope,
  sendNoSuch,
  sendProblem,
  type DomainApiContext,
} from '@fleet/shared-http';
import {
  TICKETING_CONFIG_WORKFLOW_ID,
  addArticleInputSchema,
  assignInputSchema,
  changePriorityInputSchema,
  changeQueueInputSchema,
  changeStateInputSchema,
  createTicketInputSchema,
  ticketAddArticleUpdate,
  ticketAssignUpdate,
  ticketChangePriorityUpdate,
  ticketChangeQueueUpdate,
  ticketChangeStateUpdate,
  ticketCreateUpdate,
  ticketStateQuery,
  ticketWorkflowId,
  ticketingConfigSchema,
  ticketingConfigStateQuery,
  ticketingDomain,
  ticketingSetConfigUpdate,
  ticketSearchAttributes,
  ticketViewAt,
  type TicketView,
  type TicketingConfigState,
} from '@fleet/ticketing-contracts';
import { decodeTypedSearchAttributes } from '@temporalio/common/lib/converter/payload-search-attributes';
import {
  WithStartWorkflowOperation,
  WorkflowExecutionAlreadyStartedError,
  WorkflowUpdateFailedError,
  WorkflowUpdateRPCTimeoutOrCancelledError,
  type Client,
} from '@temporalio/client';
import type { UpdateDefinition } from '@temporalio/common';
import { Router, type Request, type Response } from 'express';
import type { z } from 'zod';
import { breachingQuery, queuePathSchema, ticketPathSchema, type PublicTicketView } from './schemas';

const { lifecycle, config } = ticketingDomain.workflows;
const taskQueue = ticketingDomain.taskQueue;

/** A path parameter parsed by its schema: a refusal is a 400 naming the parameter. */
function parsePath<S extends z.ZodType>(schema: S, params: unknown): z.output<S> {
  const parsed = schema.safeParse(params);
  if (!parsed.success) throw new InvalidInputError(parsed.error, 'Invalid path', '(path)');
  return parsed.data;
}

/** A value inside a visibility query's single quotes (ids are validated first; this is the belt to those braces). */
const quoted = (value: string) => `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

const NOT_SET_UP = "ticketing is not set up in this namespace yet (its worker registers the tickets' search attributes when it starts); try again later";

const base64url = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64url');

/**
 * The bytes of a page token as a previous page gave it, or null when it cannot be one: Temporal's
 * visibility tokens are JSON objects (SQL and Elasticsearch stores alike), and a token it cannot
 * decode is not refused at once but retried until the deadline, so anything else is refused here.
 */
function pageToken(text: string): Buffer | null {
  const bytes = Buffer.from(text, 'base64url');
  try {
    const parsed: unknown = JSON.parse(bytes.toString('utf8'));
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? bytes : null;
  } catch {
    return null;
  }
}

/**
 * What the routes answer when Temporal or the workflow refused a change or did not take it in
 * time; undefined for anything else (the pipeline's error handler answers those).
 */
async function refusal(client: Client, err: unknown, workflowId: string, type: string, thing: string): Promise<[number, string, string] | undefined> {
  // The workflow's validator (or handler) refused: its message says why.
  if (err instanceof WorkflowUpdateFailedError) return [409, 'Conflict', rootCauseMessage(err)];
  if (err instanceof WorkflowUpdateRPCTimeoutOrCancelledError) {
    return [503, 'Temporal unavailable', `the ${thing} did not take the change in time; is the ticketing worker running? Try again later.`];
  }
  if (isNotFound(err)) {
    // An Update of a run that has ended is "not found" to Temporal: a closed ticket is a conflict, not a 404.
    const description = await describeOfType(client, workflowId, type);
    if (description) return [409, 'Conflict', `the ${thing} is closed (its workflow is ${description.status.name}); it takes no more changes`];
    return [404, 'Not found', `no such ${thing}`];
  }
  return undefined;
}

/** The ticketing API: tickets created, read and changed through their workflows' Updates, SLA status, breaching tickets, the configuration. */
export function ticketingRouter(ctx: DomainApiContext): Router {
  const { client } = ctx;
  const router = Router();
  const read = requireScope(ticketingDomain.scopes.read);
  const write = requireScope(ticketingDomain.scopes.write);

  /** The view as the API shows it: clocks counted up to now (a query answers as of the ticket's last activity), no calendar. */
  const publicView = (view: TicketView): PublicTicketView => {
    const { calendar: _calendar, ...shown } = ticketViewAt(view, new Date());
    return shown;
  };

  /** The ticket's view from its query, or undefined when there is no such ticket (the query is answered for a closed ticket too). */
  async function ticketView(ticketId: string): Promise<TicketView | undefined> {
    const workflowId = ticketWorkflowId(ticketId);
    // Described first: an unknown ticket is a 404 at once, never a query waiting on a worker.
    if (!(await describeOfType(client, workflowId, lifecycle.type))) return undefined;
    try {
      return await client.workflow.getHandle(workflowId).query(ticketStateQuery);
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  // Creating is idempotent: update-with-start finds a running ticket of the id and answers its state;
  // a closed ticket's id is not reused (REJECT_DUPLICATE): creating it again is a 409.
  router.post('/ticketing/tickets', write, bounded(ctx, async (req, res) => {
    const input = parseBody(createTicketInputSchema, req.body);
    const workflowId = lifecycle.id(input, '');
    try {
      const view = await client.workflow.executeUpdateWithStart(ticketCreateUpdate, {
        args: [input],
        startWorkflowOperation: new WithStartWorkflowOperation(lifecycle.type, {
          workflowId,
          taskQueue,
          args: [input],
          workflowIdConflictPolicy: 'USE_EXISTING',
          workflowIdReusePolicy: 'REJECT_DUPLICATE',
          // Set at start, the workflow keeps them current (a queue's breaching tickets are found by them).
          typedSearchAttributes: [
            { key: ticketSearchAttributes.queue, value: input.queue },
            { key: ticketSearchAttributes.state, value: 'new' },
            { key: ticketSearchAttributes.priority, value: input.priority },
            { key: ticketSearchAttributes.slaBreached, value: false },
          ],
        }),
      });
      res.status(200).location(`/api/v0/ticketing/tickets/${encodeURIComponent(view.ticketId)}`).json(publicView(view));
    } catch (err) {
      if (err instanceof WorkflowExecutionAlreadyStartedError) {
        return sendProblem(res, 409, 'Conflict', `ticket ${input.ticketId} is closed; a closed ticket's id is not used again`);
      }
      // Temporal refuses a start naming search attributes its namespace lacks: the worker registers them when it starts.
      if (isInvalidArgument(err) && /search attribute/i.test(rootCauseMessage(err))) {
        ctx.logger.warn({ err }, 'the namespace lacks the ticket search attributes');
        return sendProblem(res, 503, 'Ticketing unavailable', NOT_SET_UP);
      }
      const answer = await refusal(client, err, workflowId, lifecycle.type, 'ticket');
      if (!answer) throw err;
      sendProblem(res, ...answer);
    }
  }));

  router.get('/ticketing/tickets/:ticketId', read, bounded(ctx, async (req, res) => {
    const { ticketId } = parsePath(ticketPathSchema, req.params);
    const view = await ticketView(ticketId);
    if (!view) return sendNoSuch(res, 'ticket');
    res.json(publicView(view));
  }));

  router.get('/ticketing/tickets/:ticketId/sla', read, bounded(ctx, async (req, res) => {
    const { ticketId } = parsePath(ticketPathSchema, req.params);
    const view = await ticketView(ticketId);
    if (!view) return sendNoSuch(res, 'ticket');
    const now = publicView(view);
    res.json({ ticketId: now.ticketId, state: now.state, policyId: now.policyId, clocks: now.clocks, escalations: now.escalations });
  }));

  // Each change is its Update: validated here first (a 400 naming the field, nothing sent), then by
  // the workflow's validator (a 409 saying why, nothing recorded); the answer is the new state.
  const change = <I, O extends I>(action: string, schema: z.ZodType<O, I>, update: UpdateDefinition<TicketView, [I]>) =>
    router.post(`/ticketing/tickets/:ticketId/${action}`, write, bounded(ctx, async (req, res) => {
      const { ticketId } = parsePath(ticketPathSchema, req.params);
      const input = parseBody(schema, req.body);
      const workflowId = ticketWorkflowId(ticketId);
      try {
        res.json(publicView(await client.workflow.getHandle(workflowId).executeUpdate(update, { args: [input] })));
      } catch (err) {
        const answer = await refusal(client, err, workflowId, lifecycle.type, 'ticket');
        if (!answer) throw err;
        sendProblem(res, ...answer);
      }
    }));
  change('assign', assignInputSchema, ticketAssignUpdate);
  change('change-state', changeStateInputSchema, ticketChangeStateUpdate);
  change('change-priority', changePriorityInputSchema, ticketChangePriorityUpdate);
  change('change-queue', changeQueueInputSchema, ticketChangeQueueUpdate);
  change('articles', addArticleInputSchema, ticketAddArticleUpdate);

  // A queue's breaching tickets: one visibility query on the search attributes each ticket keeps
  // current (Temporal's visibility may be a second or so behind the tickets).
  router.get('/ticketing/queues/:queue/breaching', read, bounded(ctx, async (req, res) => {
    const { queue } = parsePath(queuePathSchema, req.params);
    const { limit, nextPageToken } = parseQuery(breachingQuery, req.query);
    const token = nextPageToken === undefined ? undefined : pageToken(nextPageToken);
    if (token === null) return sendProblem(res, 400, 'Invalid query', 'nextPageToken: not a token of this list', [{ field: 'nextPageToken', message: 'not a token of this list' }]);
    const query = `WorkflowType = '${lifecycle.type}' AND TicketQueue = ${quoted(queue)} AND TicketSlaBreached = true AND ExecutionStatus = 'Running'`;
    let page;
    try {
      page = await client.workflowService.listWorkflowExecutions({
        namespace: client.options.namespace,
        query,
        pageSize: limit,
        nextPageToken: token,
      });
    } catch (err) {
      if (!isInvalidArgument(err)) throw err;
      // A token Temporal does not take (made up, or of another query).
      if (token) return sendProblem(res, 400, 'Invalid query', 'nextPageToken: not a token of this list', [{ field: 'nextPageToken', message: 'not a token of this list' }]);
      // Otherwise the query names search attributes the namespace lacks: the worker registers them when it starts.
      ctx.logger.warn({ err }, 'the namespace lacks the ticket search attributes');
      return sendProblem(res, 503, 'Ticketing unavailable', NOT_SET_UP);
    }
    const tickets = (page.executions ?? []).map((execution) => {
      const attributes = new Map(decodeTypedSearchAttributes(execution.searchAttributes?.indexedFields).getAll().map((pair) => [pair.key.name, pair.value as unknown]));
      const workflowId = execution.execution?.workflowId ?? '';
      const text = (name: string) => (typeof attributes.get(name) === 'string' ? (attributes.get(name) as string) : null);
      const due = attributes.get('TicketSlaDueAt');
      const started = execution.startTime ? new Date(Number(execution.startTime.seconds ?? 0) * 1000 + Math.floor((execution.startTime.nanos ?? 0) / 1e6)) : new Date(0);
      return {
        ticketId: workflowId.replace(/^ticket-/, ''),
        workflowId,
        priority: text('TicketPriority'),
        state: text('TicketState'),
        slaDueAt: due instanceof Date ? due.toISOString() : null,
        startTime: started.toISOString(),
      };
    });
    res.json({ queue, tickets, nextPageToken: page.nextPageToken?.length ? base64url(page.nextPageToken) : null });
  }));

  // The one configuration: replaced by its Update (validated here first), created by the first PUT.
  router.put('/ticketing/config', write, bounded(ctx, async (req, res) => {
    const input = parseBody(ticketingConfigSchema, req.body);
    try {
      const state = await client.workflow.executeUpdateWithStart(ticketingSetConfigUpdate, {
        args: [input],
        startWorkflowOperation: new WithStartWorkflowOperation(config.type, {
          workflowId: TICKETING_CONFIG_WORKFLOW_ID,
          taskQueue,
          args: [{}],
          workflowIdConflictPolicy: 'USE_EXISTING',
        }),
      });
      res.json(state);
    } catch (err) {
      const answer = await refusal(client, err, TICKETING_CONFIG_WORKFLOW_ID, config.type, 'configuration');
      if (!answer) throw err;
      sendProblem(res, ...answer);
    }
  }));

  router.get('/ticketing/config', read, bounded(ctx, async (_req: Request, res: Response) => {
    const none: TicketingConfigState = { version: 0, notified: 0, toNotify: 0 };
    if (!(await describeOfType(client, TICKETING_CONFIG_WORKFLOW_ID, config.type))) return void res.json(none);
    try {
      res.json(await client.workflow.getHandle(TICKETING_CONFIG_WORKFLOW_ID).query(ticketingConfigStateQuery));
    } catch (err) {
      if (!isNotFound(err)) throw err;
      res.json(none);
    }
  }));

  return router;
}
