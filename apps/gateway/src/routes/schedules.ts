import {
  declarationFromMemo,
  declarationHashInMemo,
  MANAGED_NOTE_PREFIX,
  OVERRIDE_NOTE_PREFIX,
  ownerOf,
  scheduleIdOf,
  withDeclaration,
  type DeclarationMemo,
} from '@fleet/shared-schedules';
import { ScheduleNotFoundError, type Client, type ScheduleDescription } from '@temporalio/client';
import { Router, type Request, type Response } from 'express';
import { Counter, Gauge, type Registry } from 'prom-client';
import { isInvalidArgument } from '@fleet/shared-http';
import { requireScope, SCOPES, type Principal } from '../auth';
import { validateBody } from '../openapi';
import { sendProblem } from '../problem';
import { backfillRoute } from '../schedules/backfill';
import { listSchedules, type Listed } from '../schedules/listing';

/*
 * The schedules API works from Temporal alone: every schedule a worker made from its
 * workflows.yaml carries its owner and its declaration in its memo, which a listing entry and a
 * description both show. The gateway reads no file, no domain schema and no database.
 */

/** localeCompare's order, without making a collator for each of a listing's thousands of comparisons. */
const byName = new Intl.Collator().compare;

/** A schedule Fleet owns, as a listing entry or a description shows it. */
type Seen = Listed | ScheduleDescription;

/** What the declaration said, as the API shows it. */
function configOf(d: DeclarationMemo) {
  return {
    file: d.file,
    type: d.type,
    taskQueue: d.taskQueue,
    cron: d.cron,
    timezone: d.timezone,
    enabled: d.enabled,
    overlapPolicy: d.overlapPolicy,
    ...(d.jitterMs ? { jitterMs: d.jitterMs } : {}),
    ...(d.catchupWindowMs ? { catchupWindowMs: d.catchupWindowMs } : {}),
    pauseOnFailure: d.pauseOnFailure,
    ...(d.startAt ? { startAt: d.startAt } : {}),
    ...(d.endAt ? { endAt: d.endAt } : {}),
    ...(d.input === undefined ? {} : { input: d.input }),
  };
}

/** One of Fleet's schedules: its owner and, in its memo, its declaration. */
interface Entry {
  scheduleId: string;
  project: string;
  workflowId: string;
  /** Undefined for a schedule made by an earlier Fleet (its memo holds only its owner) until its worker replaces it. */
  declaration: DeclarationMemo | undefined;
}

/**
 * Declarations already checked, by schedule id and declaration hash: a schedule's memo is written
 * at its create and never after (a changed declaration replaces the schedule, with a new hash), so
 * a listing checks (zod) only the memos it has not seen before. Bounded: emptied past 20,000.
 */
const checkedDeclarations = new Map<string, DeclarationMemo | undefined>();

function declarationOf(scheduleId: string, memo: Record<string, unknown> | undefined): DeclarationMemo | undefined {
  const hash = declarationHashInMemo(memo);
  if (hash === undefined) return undefined;
  const key = `${scheduleId}\n${hash}`;
  if (checkedDeclarations.has(key)) return checkedDeclarations.get(key);
  const declaration = declarationFromMemo(memo);
  if (checkedDeclarations.size >= 20_000) checkedDeclarations.clear();
  checkedDeclarations.set(key, declaration);
  return declaration;
}

/** The entry of a schedule Fleet owns; undefined for any other. */
function entryOf(seen: Pick<Seen, 'scheduleId' | 'memo'>): Entry | undefined {
  const project = ownerOf(seen.memo);
  if (project === undefined) return undefined;
  const declaration = declarationOf(seen.scheduleId, seen.memo);
  return { scheduleId: seen.scheduleId, project, workflowId: declaration?.workflowId ?? seen.scheduleId.slice(`schedule-${project}-`.length), declaration };
}

/** What a schedule declares, as the API shows it (cron and config null when its memo holds no declaration). */
function declaredView(e: Entry, timezone?: string) {
  return {
    workflowId: e.workflowId,
    scheduleId: e.scheduleId,
    project: e.project,
    cron: e.declaration?.cron ?? null,
    timezone: e.declaration?.timezone ?? timezone ?? null,
    config: e.declaration ? configOf(e.declaration) : null,
  };
}

/** A schedule's view: its declaration (memo) and what Temporal says of its state and runs. */
function scheduleView(seen: Seen, e: Entry) {
  return {
    ...declaredView(e, seen.spec?.timezone),
    enabled: !seen.state.paused,
    isOverride: (seen.state.note ?? '').startsWith(OVERRIDE_NOTE_PREFIX),
    nextRunTime: seen.info.nextActionTimes[0]?.toISOString() ?? null,
    lastRunTime: seen.info.recentActions.at(-1)?.takenAt.toISOString() ?? null,
  };
}

/**
 * How long GET one waits for the schedule's description before also reading the schedule's entry in
 * Temporal's listing (visibility). A description is a query to the schedule's own workflow, which
 * answers in milliseconds, except now and then, when the scheduler's workflow task is busy or its
 * query waits on a sticky task queue (up to 5 s in Temporal 1.29); the listing entry is one database
 * read, a second or two behind at most. Whichever answers first is the answer; one from the listing
 * says so in the `Fleet-Schedule-Source: visibility` header. For a schedule this gateway wrote in the
 * last `VISIBILITY_LAG_MS`, a listing entry answers only if it shows that write (the note it set),
 * so a client reads its own write.
 */
export const DESCRIBE_HEDGE_MS = 100;
/** How far behind the listing may be: a schedule written this recently is read from it only once it shows the write. */
export const VISIBILITY_LAG_MS = 5_000;

/**
 * Fleet's schedules by workflow id, from the last listing: how a request naming only a workflow id
 * finds its schedule (the id is `schedule-<project>-<workflowId>`, and projects are not known
 * without a listing). A lookup that misses reads a new listing (at most one at a time, and one a
 * second), as does one finding the index older than `maxAgeMs`.
 */
export class ScheduleDirectory {
  private byWorkflow = new Map<string, Entry[]>();
  private readAt = 0;
  private reading: Promise<void> | undefined;

  constructor(
    private readonly client: Client,
    private readonly maxAgeMs = 30_000,
  ) {}

  /** Indexes Fleet's schedules of a whole listing (every list request gives one). */
  index(entries: Iterable<Entry>): void {
    const byWorkflow = new Map<string, Entry[]>();
    for (const entry of entries) byWorkflow.set(entry.workflowId, [...(byWorkflow.get(entry.workflowId) ?? []), entry]);
    this.byWorkflow = byWorkflow;
    this.readAt = Date.now();
  }

  /** Reads the listing again (one read at a time). */
  refresh(): Promise<void> {
    this.reading ??= (async () => {
      try {
        const entries: Entry[] = [];
        for (const listed of await listSchedules(this.client)) {
          const entry = entryOf(listed);
          if (entry) entries.push(entry);
        }
        this.index(entries);
      } finally {
        this.reading = undefined;
      }
    })();
    return this.reading;
  }

  async find(workflowId: string, project?: string): Promise<Entry[]> {
    const lookup = () => (this.byWorkflow.get(workflowId) ?? []).filter((e) => project === undefined || e.project === project);
    // Read within the request (under its deadline): no call is left running behind a response.
    const age = Date.now() - this.readAt;
    if (age > this.maxAgeMs || (!lookup().length && age > 1000)) await this.refresh();
    return lookup();
  }

  forget(scheduleId: string): void {
    for (const [workflowId, entries] of this.byWorkflow) {
      const left = entries.filter((e) => e.scheduleId !== scheduleId);
      if (left.length) this.byWorkflow.set(workflowId, left);
      else this.byWorkflow.delete(workflowId);
    }
  }
}

export function scheduleRoutes(client: Client, registry: Registry, rpcTimeoutMs: number, hedgeMs = DESCRIBE_HEDGE_MS): Router {
  const router = Router();
  const directory = new ScheduleDirectory(client);
  /** Schedules this gateway wrote lately, by id: their listing entries may not show the write yet. */
  const writtenAt = new Map<string, { at: number; note?: string }>();
  /** Records a write; `note` is the schedule note it set, by which a listing entry shows the write (a trigger or backfill sets none). */
  const wrote = (scheduleId: string, note?: string) => {
    const now = Date.now();
    if (writtenAt.size >= 10_000) for (const [id, w] of writtenAt) if (now - w.at > VISIBILITY_LAG_MS) writtenAt.delete(id);
    writtenAt.set(scheduleId, { at: now, note });
  };
  /** Whether a listing entry may answer for the schedule: not written lately, or showing the note this gateway's last write set. */
  const listingShowsWrites = (scheduleId: string, listed: Listed) => {
    const written = writtenAt.get(scheduleId);
    if (!written || Date.now() - written.at >= VISIBILITY_LAG_MS) return true;
    return written.note !== undefined && listed.state.note === written.note;
  };
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

  /** Fleet's schedules, from one paged listing (visibility: a second or two behind at most), by project and workflow id. */
  const listFleet = async (): Promise<{ summary: Listed; entry: Entry }[]> => {
    const fleet: { summary: Listed; entry: Entry }[] = [];
    for (const summary of await listSchedules(client)) {
      const entry = entryOf(summary);
      if (entry) fleet.push({ summary, entry });
    }
    directory.index(fleet.map((f) => f.entry));
    return fleet.sort((a, b) => byName(a.entry.project, b.entry.project) || byName(a.entry.workflowId, b.entry.workflowId));
  };

  // Fleet's schedules by status, counted when Prometheus scrapes, from one listing rather than a describe of each.
  new Gauge({
    name: 'gateway_scheduled_workflows',
    help: "Fleet's schedules by status (active, paused, override)",
    labelNames: ['status'],
    registers: [registry],
    async collect() {
      let fleet: { summary: Listed }[];
      try {
        fleet = await client.withDeadline(Date.now() + rpcTimeoutMs, listFleet);
      } catch {
        return; // Temporal away: keep the last counts.
      }
      const counts = { active: 0, paused: 0, override: 0 };
      for (const { summary } of fleet) {
        if ((summary.state.note ?? '').startsWith(OVERRIDE_NOTE_PREFIX)) counts.override += 1;
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

  /**
   * The schedule a request names (`workflowId`, and `?project=` when two projects use the id):
   * found in the directory, or, with a project, by its schedule id (a schedule made moments ago
   * that no listing shows yet). Answers 404 or 409 itself and returns undefined otherwise.
   */
  const scheduleOf = async (req: Request, res: Response): Promise<Entry | undefined> => {
    const workflowId = String(req.params.workflowId);
    const project = typeof req.query.project === 'string' ? req.query.project : undefined;
    const found = await directory.find(workflowId, project);
    if (found.length === 1) return found[0];
    if (found.length > 1) {
      sendProblem(res, 409, 'Ambiguous', `${workflowId} is scheduled by ${found.map((f) => f.project).sort().join(' and ')}: add ?project=`);
      return undefined;
    }
    if (project !== undefined) {
      const scheduleId = scheduleIdOf(project, workflowId);
      // An id Temporal refuses (control characters, too long) names no schedule either.
      const described = await describeOrUndefined(scheduleId).catch((err: unknown) => {
        if (isInvalidArgument(err)) return undefined;
        throw err;
      });
      const entry = described && entryOf(described);
      if (entry?.project === project) return entry;
    }
    sendProblem(res, 404, 'Not found', `no schedule of Fleet's starts workflow ${workflowId}${project ? ` for ${project}` : ''}`);
    return undefined;
  };

  /** Runs a call on the schedule; false, having answered 404 (or 400), when it is not in Temporal (any more) or Temporal refused the call. */
  const present = async (found: Entry, res: Response, fn: () => Promise<unknown>): Promise<boolean> => {
    try {
      await fn();
      return true;
    } catch (err) {
      if (isInvalidArgument(err)) {
        sendProblem(res, 400, 'Invalid request', 'Temporal refused the request');
        return false;
      }
      if (!(err instanceof ScheduleNotFoundError)) throw err;
      directory.forget(found.scheduleId);
      sendProblem(res, 404, 'Not found', `the schedule of ${found.workflowId} is not in Temporal (any more)`);
      return false;
    }
  };

  /** The schedule's entry in the listing (visibility), undefined when the listing does not show it. */
  const listedOne = async (scheduleId: string): Promise<Listed | undefined> =>
    (await listSchedules(client, `ScheduleId = '${scheduleId}'`)).find((listed) => listed.scheduleId === scheduleId);

  type Read = { actual: Listed | ScheduleDescription | undefined; from: 'describe' | 'visibility' };
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
    // A listing that does not show it (yet), or not this gateway's last write, proves nothing: then the describe decides.
    const listed: Promise<Read> = listedOne(scheduleId).then(
      (summary): Read | Promise<Read> => (summary && listingShowsWrites(scheduleId, summary) ? { actual: summary, from: 'visibility' } : described),
      () => described,
    );
    const answer = await Promise.race([described, listed]);
    if (answer.from === 'visibility') describe.abort();
    return answer;
  };

  const lastRunStatus = async (seen: Listed | ScheduleDescription): Promise<string | null> => {
    const last = seen.info.recentActions.at(-1);
    if (!last?.action) return null;
    const run = client.workflow.getHandle(last.action.workflow.workflowId, last.action.workflow.firstExecutionRunId);
    return run.describe().then(
      (w) => w.status.name,
      () => null,
    );
  };

  // The list reads Temporal's visibility once (paged) instead of describing every schedule; the
  // last run's status, one more call per schedule, is in the single-schedule view only.
  router.get(
    '/schedules',
    requireScope(SCOPES.scheduleRead),
    bounded('list', async (_req, res) => {
      res.json({ schedules: (await listFleet()).map(({ summary, entry }) => scheduleView(summary, entry)) });
    }),
  );

  router.get(
    '/schedules/:workflowId',
    requireScope(SCOPES.scheduleRead),
    bounded('get', async (req, res) => {
      const found = await scheduleOf(req, res);
      if (!found) return;
      const { actual, from } = await readOne(found.scheduleId);
      const entry = actual && entryOf(actual);
      if (!actual || entry?.project !== found.project) {
        directory.forget(found.scheduleId);
        return sendProblem(res, 404, 'Not found', `the schedule of ${String(req.params.workflowId)} is not in Temporal (any more)`);
      }
      if (from === 'visibility') res.set('Fleet-Schedule-Source', 'visibility');
      res.json({ ...scheduleView(actual, entry), lastRunStatus: await lastRunStatus(actual) });
    }),
  );

  router.put(
    '/schedules/:workflowId',
    requireScope(SCOPES.scheduleWrite),
    validateBody('SetEnabled'),
    bounded('override', async (req, res) => {
      const found = await scheduleOf(req, res);
      if (!found) return;
      const handle = client.schedule.getHandle(found.scheduleId);
      // The declaration (the state it declares, its hash) is the schedule's memo as the directory's
      // listing showed it: no read on the write path. (A schedule its worker replaced in the last
      // moments may show the one before: the worker's next pass then describes it, rather than
      // vouching for it from its listing.)
      const d = found.declaration;
      const enabled = (req.body as { enabled: boolean }).enabled;
      const principal = res.locals.principal as Principal;
      // An override lives in the schedule's own state, so Temporal holds it; the worker's next start
      // (a reload) reverts it, its periodic passes keep it. One patch call (pause or unpause, with
      // the note): no read-modify-write of the schedule. The note ends with the declaration's hash,
      // so a periodic pass vouches for it from its listing.
      const note = d && enabled === d.enabled ? `${MANAGED_NOTE_PREFIX} from ${d.file}` : `${OVERRIDE_NOTE_PREFIX} enabled=${enabled} by ${principal.id} at ${new Date().toISOString()}`;
      const hashed = d ? withDeclaration(note, d.hash) : note;
      wrote(found.scheduleId, hashed);
      try {
        await (enabled ? handle.unpause(hashed) : handle.pause(hashed));
      } catch (err) {
        if (!(err instanceof ScheduleNotFoundError)) throw err;
        directory.forget(found.scheduleId);
        return sendProblem(res, 404, 'Not found', `the schedule of ${String(req.params.workflowId)} is not in Temporal (any more)`);
      }
      // Answers with the state it set; run times are in GET, not on the write path.
      res.json({ ...declaredView(found), enabled, isOverride: note.startsWith(OVERRIDE_NOTE_PREFIX) });
    }),
  );

  router.delete(
    '/schedules/:workflowId',
    requireScope(SCOPES.scheduleWrite),
    bounded('delete', async (req, res) => {
      const found = await scheduleOf(req, res);
      if (!found) return;
      await client.schedule
        .getHandle(found.scheduleId)
        .delete()
        .catch((err: unknown) => {
          if (!(err instanceof ScheduleNotFoundError)) throw err;
        });
      directory.forget(found.scheduleId);
      res.status(204).end();
    }),
  );

  router.post(
    '/schedules/:workflowId/trigger',
    requireScope(SCOPES.scheduleWrite),
    bounded('trigger', async (req, res) => {
      const found = await scheduleOf(req, res);
      if (!found) return;
      wrote(found.scheduleId);
      if (!(await present(found, res, () => client.schedule.getHandle(found.scheduleId).trigger()))) return;
      res.status(202).json({ triggered: found.scheduleId });
    }),
  );

  router.post(
    '/schedules/:workflowId/backfill',
    requireScope(SCOPES.scheduleWrite),
    validateBody('Backfill'),
    bounded('backfill', async (req, res) => {
      const found = await scheduleOf(req, res);
      if (!found) return;
      wrote(found.scheduleId);
      await backfillRoute(client, found.scheduleId, req, res, (fn) => present(found, res, fn));
    }),
  );

  return router;
}
