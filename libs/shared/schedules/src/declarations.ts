import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import { z } from 'zod';
import { declarationMemo, MAX_DECLARATION_MEMO_BYTES } from './compile';
import { parseCron, type CronSpec } from './cron';
import { parseDuration } from './durations';
import { OVERLAP_POLICIES, type OverlapPolicyName } from './policies';

export { OVERLAP_POLICIES, type OverlapPolicyName };

/** One `schedule:` block, validated, with the workflow it starts. */
export interface ScheduleDeclaration {
  /** The declaring file, relative to the repository (see declarationFileName). */
  file: string;
  project: string;
  workflowId: string;
  workflowType: string;
  taskQueue: string;
  cron: string;
  spec: CronSpec;
  timezone: string;
  enabled: boolean;
  jitterMs?: number;
  overlapPolicy: OverlapPolicyName;
  catchupWindowMs?: number;
  pauseOnFailure: boolean;
  startAt?: Date;
  endAt?: Date;
  input?: unknown;
}

export interface DeclarationProblem {
  file: string;
  /** Where in the document, e.g. `workflows[0].schedule.cron`. */
  path: string;
  line?: number;
  reason: string;
}

/** Every problem of every file: when there is one, nothing may be changed in Temporal. */
export class DeclarationError extends Error {
  constructor(readonly problems: DeclarationProblem[]) {
    super(problems.map((p) => `${p.file}${p.line ? `:${p.line}` : ''}: ${p.path}: ${p.reason}`).join('\n'));
    this.name = 'DeclarationError';
  }
}

const name = z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'expected lowercase letters, digits and dashes');
const duration = z.string().refine((t) => parseDuration(t) !== undefined, { message: 'expected a duration such as 30s, 5m, 1h or 1d' });
const instant = z.iso.datetime({ offset: true, message: 'expected an ISO 8601 date-time with offset, e.g. 2026-01-01T00:00:00Z' });
const timezone = z.string().refine(isTimeZone, { message: 'unknown IANA time zone' });

const scheduleBlock = z
  .object({
    cron: z.string().superRefine((text, ctx) => {
      const parsed = parseCron(text);
      if ('error' in parsed) ctx.addIssue({ code: 'custom', message: parsed.error });
    }),
    timezone: timezone.default('UTC'),
    enabled: z.boolean().default(true),
    jitter: duration.optional(),
    overlap_policy: z.enum(OVERLAP_POLICIES, { message: `unknown overlap policy (use ${OVERLAP_POLICIES.join(', ')})` }).default('skip'),
    catchup_window: duration.optional(),
    pause_on_failure: z.boolean().default(false),
    start_at: instant.optional(),
    end_at: instant.optional(),
    input: z.unknown().optional(),
  })
  .strict()
  .superRefine((s, ctx) => {
    if (s.start_at && s.end_at && Date.parse(s.end_at) <= Date.parse(s.start_at)) {
      ctx.addIssue({ code: 'custom', path: ['end_at'], message: 'end_at is not after start_at' });
    }
  });

const workflowDefinition = z
  .object({
    id: name,
    type: z.string().min(1),
    task_queue: z.string().min(1),
    description: z.string().optional(),
    schedule: scheduleBlock.optional(),
  })
  .strict();

const document = z.object({ project: name, workflows: z.array(workflowDefinition) }).strict();

const timeZones = new Map<string, boolean>();

/** Whether the zone is an IANA time zone (remembered: making a formatter per schedule is slow). */
function isTimeZone(zone: string): boolean {
  let known = timeZones.get(zone);
  if (known === undefined) {
    try {
      new Intl.DateTimeFormat('en', { timeZone: zone });
      known = true;
    } catch {
      known = false;
    }
    if (timeZones.size < 10_000) timeZones.set(zone, known);
  }
  return known;
}

function pathText(path: readonly PropertyKey[]): string {
  return path.reduce<string>((acc, key) => (typeof key === 'number' ? `${acc}[${key}]` : acc ? `${acc}.${String(key)}` : String(key)), '') || '(document)';
}

/** Input schemas by workflow type, from the domains' contracts libs. */
export type InputSchemas = Record<string, z.ZodType>;

/** What a file must also agree with when it is one worker's own (its domain's manifest). */
export interface DeclarationRules {
  /** The project every file must name (the worker's own). */
  project?: string;
  /** The task queues the project's worker polls: a workflow declared on another would never run. */
  taskQueues?: readonly string[];
}

/**
 * Validates declaration files, all of them before anything acts: cron, time zone, policy,
 * durations, dates, and each `input` against its workflow's input schema. Throws one
 * DeclarationError listing every problem with its file, path, line and reason.
 */
export function parseDeclarations(files: { file: string; text: string }[], inputSchemas: InputSchemas, rules: DeclarationRules = {}): ScheduleDeclaration[] {
  return parseDeclarationSet(files, inputSchemas, rules).declarations;
}

/** The declarations, and every project a file names (a project with no schedule left still owns its orphans). */
export interface DeclarationSet {
  declarations: ScheduleDeclaration[];
  projects: string[];
}

export function parseDeclarationSet(files: { file: string; text: string }[], inputSchemas: InputSchemas, rules: DeclarationRules = {}): DeclarationSet {
  const problems: DeclarationProblem[] = [];
  const declarations: ScheduleDeclaration[] = [];
  const projects = new Set<string>();
  const seen = new Map<string, string>();
  for (const { file, text } of files) {
    const lineCounter = new LineCounter();
    const doc = parseDocument(text, { lineCounter });
    if (doc.errors.length) {
      for (const e of doc.errors) problems.push({ file, path: '(document)', line: e.linePos?.[0]?.line, reason: `not valid YAML: ${e.message.split('\n')[0]}` });
      continue;
    }
    const lineOf = (path: readonly PropertyKey[]): number | undefined => {
      for (let depth = path.length; depth >= 0; depth--) {
        const node = doc.getIn(path.slice(0, depth) as (string | number)[], true) as { range?: [number, number, number] } | undefined;
        if (node?.range) return lineCounter.linePos(node.range[0]).line;
      }
      return undefined;
    };
    const parsed = document.safeParse(doc.toJS());
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        const unknown = issue.code === 'unrecognized_keys' ? `unknown field ${issue.keys.join(', ')}` : undefined;
        problems.push({ file, path: pathText(issue.path), line: lineOf(issue.path), reason: unknown ?? issue.message });
      }
      continue;
    }
    if (rules.project !== undefined && parsed.data.project !== rules.project) {
      problems.push({ file, path: 'project', line: lineOf(['project']), reason: `${parsed.data.project} is not this worker's project (${rules.project})` });
      continue;
    }
    projects.add(parsed.data.project);
    parsed.data.workflows.forEach((w, index) => {
      if (rules.taskQueues && !rules.taskQueues.includes(w.task_queue)) {
        const at = ['workflows', index, 'task_queue'];
        problems.push({ file, path: pathText(at), line: lineOf(at), reason: `${w.task_queue} is not a task queue of ${parsed.data.project}'s worker (${rules.taskQueues.join(', ')})` });
        return;
      }
      if (!w.schedule) return;
      const at = ['workflows', index, 'schedule'];
      const schema = inputSchemas[w.type];
      if (!schema) {
        problems.push({ file, path: pathText(['workflows', index, 'type']), line: lineOf(['workflows', index, 'type']), reason: `unknown workflow type ${w.type}` });
        return;
      }
      const input = schema.safeParse(w.schedule.input ?? {});
      if (!input.success) {
        for (const issue of input.error.issues) {
          const path = [...at, 'input', ...issue.path];
          const reason = issue.code === 'unrecognized_keys' ? `unknown field ${issue.keys.join(', ')}` : issue.message;
          problems.push({ file, path: pathText(path), line: lineOf(path), reason: `bad input: ${reason}` });
        }
        return;
      }
      const key = `${parsed.data.project}/${w.id}`;
      const earlier = seen.get(key);
      if (earlier) {
        problems.push({ file, path: pathText(['workflows', index, 'id']), line: lineOf(['workflows', index, 'id']), reason: `${w.id} is declared twice for ${parsed.data.project} (also in ${earlier})` });
        return;
      }
      seen.set(key, file);
      const s = w.schedule;
      const declaration: ScheduleDeclaration = {
        file,
        project: parsed.data.project,
        workflowId: w.id,
        workflowType: w.type,
        taskQueue: w.task_queue,
        cron: s.cron,
        spec: parseCron(s.cron) as CronSpec,
        timezone: s.timezone,
        enabled: s.enabled,
        jitterMs: s.jitter ? parseDuration(s.jitter) : undefined,
        overlapPolicy: s.overlap_policy,
        catchupWindowMs: s.catchup_window ? parseDuration(s.catchup_window) : undefined,
        pauseOnFailure: s.pause_on_failure,
        startAt: s.start_at ? new Date(s.start_at) : undefined,
        endAt: s.end_at ? new Date(s.end_at) : undefined,
        input: s.input === undefined ? undefined : input.data,
      };
      // The schedule's memo holds the declaration: it stays small.
      const bytes = Buffer.byteLength(JSON.stringify(declarationMemo(declaration)));
      if (bytes > MAX_DECLARATION_MEMO_BYTES) {
        problems.push({ file, path: pathText(at), line: lineOf(at), reason: `the declaration takes ${bytes} bytes in the schedule's memo, more than ${MAX_DECLARATION_MEMO_BYTES}: keep its input small` });
        return;
      }
      declarations.push(declaration);
    });
  }
  if (problems.length) throw new DeclarationError(problems);
  return { declarations, projects: [...projects] };
}

/**
 * How notes, memos and messages name a declaration file: relative to the repository (the nearest
 * folder above it holding nx.json), `apps/license-worker/workflows.yaml`, wherever the checkout is;
 * a file outside any repository by its absolute path.
 */
export function declarationFileName(file: string): string {
  const absolute = path.resolve(file);
  for (let dir = path.dirname(absolute); ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'nx.json'))) return path.relative(dir, absolute).split(path.sep).join('/');
    if (path.dirname(dir) === dir) return absolute;
  }
}

/** The project a declaration file names, undefined when it names none (or cannot be read): which manifest validates it. */
export function declaredProject(file: string): string | undefined {
  try {
    const project: unknown = parseDocument(readFileSync(file, 'utf8')).get('project');
    return typeof project === 'string' ? project : undefined;
  } catch {
    return undefined;
  }
}

/** Reads and validates declaration files from disk, each named relative to its repository. */
export function loadDeclarationSet(paths: string[], inputSchemas: InputSchemas, rules: DeclarationRules = {}): DeclarationSet {
  const files = paths.map((p) => {
    const file = declarationFileName(p);
    try {
      return { file, text: readFileSync(p, 'utf8') };
    } catch (err) {
      throw new DeclarationError([{ file, path: '(file)', reason: `cannot be read: ${(err as Error).message}` }]);
    }
  });
  return parseDeclarationSet(files, inputSchemas, rules);
}
