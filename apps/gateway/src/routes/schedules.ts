import { MANAGED_NOTE_PREFIX, OVERRIDE_NOTE_PREFIX, scheduleIdOf, type DeclarationSet, type ScheduleDeclaration } from '@fleet/shared-schedules';
import { ScheduleNotFoundError, type Client, type ScheduleDescription, type ScheduleSummary } from '@temporalio/client';
import { Router, type Request, type Response } from 'express';
import { Counter, Gauge, type Registry } from 'prom-client';
import { requireScope, SCOPES, type Principal } from '../auth';
import { validateBody } from '../openapi';
import { sendProblem } from '../problem';

/** What a declaration said, as the API shows it (the YAML block's own names). */
function configOf(d: ScheduleDeclaration) {
  return {
    file: d.file,
    type: d.workflowType,
    task_queue: d.taskQueue,
    cron: d.cron,
    timezone: d.timezone,
    enabled: d.enabled,
    overlap_policy: d.overlapPolicy,
    ...(d.jitterMs ? { jitter_ms: d.jitterMs } : {}),
    ...(d.catchupWindowMs ? { catchup_window_ms: d.catchupWindowMs } : {}),
    pause_on_failure: d.pauseOnFailure,
    ...(d.startAt ? { start_at: d.startAt.toISOString() } : {}),
    ...(d.endAt ? { end_at: d.endAt.toISOString() } : {}),
    ...(d.input === undefined ? {} : { input: d.input }),
  };
}

/** A declared schedule with what Temporal says of it (a description or a list summary). */
function summaryView(d: ScheduleDeclaration, actual: ScheduleSummary | ScheduleDescription | undefined) {
  return {
    workflow_id: d.workflowId,
    schedule_id: scheduleIdOf(d.project, d.workflowId),
    project: d.project,
    cron: d.cron,
    timezone: d.timezone,
    exists: actual !== undefined,
    enabled: actual ? !actual.state.paused : d.enabled,
    is_override: (actual?.state.note ?? '').startsWith(OVERRIDE_NOTE_PREFIX),
    config: configOf(d),
    next_run_time: actual?.info.nextActionTimes[0]?.toISOString() ?? null,
    last_run_time: actual?.info.recentActions.at(-1)?.takenAt.toISOString() ?? null,
  };
}

/**
 * How long GET one waits for the schedule's description before also reading the schedule's entry in
 * Temporal's listing (visibility). A description is a query to the schedule's own workflow, which
 * answers in milliseconds, except now and then under load, when it waits 5 s on a sticky task queue
 * before Temporal (1.29) falls back; the listing entry is a database read, a second or two behind
 * at most. Whichever answers first is the answer; one from the listing says so in the
 * `Fleet-Schedule-Source: visibility` header.
 */
export const DESCRIBE_HEDGE_MS = 1000;

export function scheduleRoutes(client: Client, declared: DeclarationSet, registry: Registry, rpcTimeoutMs: number, hedgeMs = DESCRIBE_HEDGE_MS): Router {
  const router = Router();
  const operations = new Counter({
    name: 'gateway_schedule_operations_total',
    help: 'Schedule API operations by operation and status',
    labelNames: ['operation', 'status'],
    registers: [registry],
  });
  const describeOrUndefined = (scheduleId: string) =>
    client.schedule
      .getHandle(scheduleId)
      .describe()
      .catch((err: unknown) => {
        if (err instanceof ScheduleNotFoundError) return undefined;
        throw err;
      });

  // Scheduled workflows by status, counted when Prometheus scrapes, from one listing (visibility:
  // a second or two behind at most) rather than a describe of every schedule.
  new Gauge({
    name: 'gateway_scheduled_workflows',
    help: 'Declared scheduled workflows by status (active, paused, override, missing)',
    labelNames: ['status'],
    registers: [registry],
    async collect() {
      const listed = new Map<string, ScheduleSummary>();
      try {
        await client.withDeadline(Date.now() + rpcTimeoutMs, async () => {
          for await (const summary of client.schedule.list({ pageSize: 1000 })) listed.set(summary.scheduleId, summary);
        });
      } catch {
        return; // Temporal away: keep the last counts rather than report every schedule missing.
      }
      const counts = { active: 0, paused: 0, override: 0, missing: 0 };
      for (const d of declared.declarations) {
        const summary = listed.get(scheduleIdOf(d.project, d.workflowId));
        if (!summary) counts.missing += 1;
        else if ((summary.state.note ?? '').startsWith(OVERRIDE_NOTE_PREFIX)) counts.override += 1;
        else if (summary.state.paused) counts.paused += 1;
        else counts.active += 1;
      }
      for (const [status, n] of Object.entries(counts)) this.set({ status }, n);
    },
  });
  const bounded =
    (operation: string, handler: (req: Request, res: Response) => Promise<void>) =>
    async (req: Request, res: Response): Promise<void> => {
      try {
        await client.withDeadline(Date.now() + rpcTimeoutMs, () => handler(req, res));
        operations.inc({ operation, status: res.statusCode < 400 ? 'ok' : 'rejected' });
      } catch (err) {
        operations.inc({ operation, status: 'error' });
        throw err;
      }
    };

  const declarationOf = (req: Request, res: Response): ScheduleDeclaration | undefined => {
    const id = String(req.params.workflowId);
    const project = typeof req.query.project === 'string' ? req.query.project : undefined;
    const matches = declared.declarations.filter((d) => d.workflowId === id && (!project || d.project === project));
    if (matches.length === 1) return matches[0];
    if (matches.length > 1) sendProblem(res, 409, 'Ambiguous', `${id} is declared by ${matches.map((m) => m.project).join(' and ')}: add ?project=`);
    else sendProblem(res, 404, 'Not found', `no schedule is declared for workflow ${id}`);
    return undefined;
  };

  /** The declaration a request names and the handle of its schedule; answers 404/409 itself otherwise. */
  const declaredSchedule = (req: Request, res: Response) => {
    const d = declarationOf(req, res);
    return d && { d, handle: client.schedule.getHandle(scheduleIdOf(d.project, d.workflowId)) };
  };

  /** The schedule's entry in the listing (visibility), undefined when the listing does not show it. */
  const listedOne = async (scheduleId: string): Promise<ScheduleSummary | undefined> => {
    for await (const summary of client.schedule.list({ query: `ScheduleId = '${scheduleId}'` })) if (summary.scheduleId === scheduleId) return summary;
    return undefined;
  };

  type Read = { actual: ScheduleDescription | ScheduleSummary | undefined; from: 'describe' | 'visibility' };
  /** One describe; if it has not answered within hedgeMs, the listing's entry too, and the first answer. */
  const readOne = async (scheduleId: string): Promise<Read> => {
    // The describe is cancelled when the listing answers first: no call is left running behind a response.
    const describe = new AbortController();
    const described: Promise<Read> = client
      .withAbortSignal(describe.signal, () => describeOrUndefined(scheduleId))
      .then((actual) => ({ actual, from: 'describe' }));
    let timer: NodeJS.Timeout | undefined;
    const slow = new Promise<undefined>((resolve) => {
      timer = setTimeout(() => resolve(undefined), hedgeMs);
    });
    const first = await Promise.race([described, slow]).finally(() => clearTimeout(timer));
    if (first) return first;
    // A listing that does not show it (yet) proves nothing: then the describe decides.
    const listed: Promise<Read> = listedOne(scheduleId).then(
      (summary): Read | Promise<Read> => (summary ? { actual: summary, from: 'visibility' } : described),
      () => described,
    );
    const answer = await Promise.race([described, listed]);
    if (answer.from === 'visibility') describe.abort();
    return answer;
  };

  const lastRunStatus = async (d: { info: Pick<ScheduleDescription['info'], 'recentActions'> } | undefined): Promise<string | null> => {
    const last = d?.info.recentActions.at(-1);
    if (!last) return null;
    const run = client.workflow.getHandle(last.action.workflow.workflowId, last.action.workflow.firstExecutionRunId);
    return run.describe().then(
      (w) => w.status.name,
      () => null,
    );
  };

  const view = async (d: ScheduleDeclaration, description: ScheduleDescription | ScheduleSummary | undefined) => ({
    ...summaryView(d, description),
    last_run_status: await lastRunStatus(description),
  });

  // The list reads Temporal's visibility once (paged) instead of describing every schedule; the
  // last run's status, one more call per schedule, is in the single-schedule view only.
  router.get(
    '/schedules',
    requireScope(SCOPES.scheduleRead),
    bounded('list', async (_req, res) => {
      const summaries = new Map<string, ScheduleSummary>();
      for await (const summary of client.schedule.list({ pageSize: 1000 })) summaries.set(summary.scheduleId, summary);
      const views = declared.declarations.map((d) => summaryView(d, summaries.get(scheduleIdOf(d.project, d.workflowId))));
      res.json({ schedules: views });
    }),
  );

  router.get(
    '/schedules/:workflowId',
    requireScope(SCOPES.scheduleRead),
    bounded('get', async (req, res) => {
      const found = declaredSchedule(req, res);
      if (!found) return;
      const { actual, from } = await readOne(found.handle.scheduleId);
      if (from === 'visibility') res.set('Fleet-Schedule-Source', 'visibility');
      res.json(await view(found.d, actual));
    }),
  );

  router.put(
    '/schedules/:workflowId',
    requireScope(SCOPES.scheduleWrite),
    validateBody('SetEnabled'),
    bounded('override', async (req, res) => {
      const found = declaredSchedule(req, res);
      if (!found) return;
      const { d, handle } = found;
      const enabled = (req.body as { enabled: boolean }).enabled;
      const principal = res.locals.principal as Principal;
      // An override lives in the schedule's own state, so Temporal holds it; the next reload reverts
      // it. One patch call (pause or unpause, with the note): no read-modify-write of the schedule,
      // and a schedule that is not in Temporal answers NOT_FOUND to the patch itself. The note
      // carries no declaration hash: the reconciler describes what the API touched before trusting it.
      const note = enabled === d.enabled ? `${MANAGED_NOTE_PREFIX} from ${d.file}` : `${OVERRIDE_NOTE_PREFIX} enabled=${enabled} by ${principal.id} at ${new Date().toISOString()}`;
      try {
        await (enabled ? handle.unpause(note) : handle.pause(note));
      } catch (err) {
        if (err instanceof ScheduleNotFoundError) return sendProblem(res, 404, 'Not found', `the schedule of ${d.workflowId} is not in Temporal yet`);
        throw err;
      }
      // Answers with the state it set; run times are in GET (a describe), not on the write path.
      const { next_run_time: _next, last_run_time: _last, ...set } = summaryView(d, undefined);
      res.json({ ...set, exists: true, enabled, is_override: note.startsWith(OVERRIDE_NOTE_PREFIX) });
    }),
  );

  router.delete(
    '/schedules/:workflowId',
    requireScope(SCOPES.scheduleWrite),
    bounded('delete', async (req, res) => {
      const found = declaredSchedule(req, res);
      if (!found) return;
      await found.handle.delete().catch((err: unknown) => {
        if (!(err instanceof ScheduleNotFoundError)) throw err;
      });
      res.status(204).end();
    }),
  );

  router.post(
    '/schedules/:workflowId/trigger',
    requireScope(SCOPES.scheduleWrite),
    bounded('trigger', async (req, res) => {
      const found = declaredSchedule(req, res);
      if (!found) return;
      await found.handle.trigger();
      res.status(202).json({ triggered: found.handle.scheduleId });
    }),
  );

  router.post(
    '/schedules/:workflowId/backfill',
    requireScope(SCOPES.scheduleWrite),
    validateBody('Backfill'),
    bounded('backfill', async (req, res) => {
      const found = declaredSchedule(req, res);
      if (!found) return;
      const { start, end } = req.body as { start: string; end: string };
      if (Date.parse(end) <= Date.parse(start)) return sendProblem(res, 400, 'Invalid request body', 'end: is not after start', [{ field: 'end', message: 'is not after start' }]);
      await found.handle.backfill([{ start: new Date(start), end: new Date(end) }]);
      res.status(202).json({ backfilled: found.handle.scheduleId, start, end });
    }),
  );

  return router;
}
