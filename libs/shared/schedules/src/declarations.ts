import { readFileSync } from 'node:fs';
import { LineCounter, parseDocument } from 'yaml';
import { z } from 'zod';
import { parseCron, type CronSpec } from './cron';
import { parseDuration } from './durations';

export const OVERLAP_POLICIES = ['skip', 'buffer_one', 'buffer_all', 'cancel_other', 'terminate_other', 'allow_all'] as const;
export type OverlapPolicyName = (typeof OVERLAP_POLICIES)[number];

/** One `schedule:` block, validated, with the workflow it starts. */
export interface ScheduleDeclaration {
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

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

function pathText(path: readonly PropertyKey[]): string {
  return path.reduce<string>((acc, key) => (typeof key === 'number' ? `${acc}[${key}]` : acc ? `${acc}.${String(key)}` : String(key)), '') || '(document)';
}

/** Input schemas by workflow type, from the domains' contracts libs. */
export type InputSchemas = Record<string, z.ZodType>;

/**
 * Validates declaration files, all of them before anything acts: cron, time zone, policy,
 * durations, dates, and each `input` against its workflow's input schema. Throws one
 * DeclarationError listing every problem with its file, path, line and reason.
 */
export function parseDeclarations(files: { file: string; text: string }[], inputSchemas: InputSchemas): ScheduleDeclaration[] {
  return parseDeclarationSet(files, inputSchemas).declarations;
}

/** The declarations, and every project a file names (a project with no schedule left still owns its orphans). */
export interface DeclarationSet {
  declarations: ScheduleDeclaration[];
  projects: string[];
}

export function parseDeclarationSet(files: { file: string; text: string }[], inputSchemas: InputSchemas): DeclarationSet {
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
    projects.add(parsed.data.project);
    parsed.data.workflows.forEach((w, index) => {
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
      declarations.push({
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
      });
    });
  }
  if (problems.length) throw new DeclarationError(problems);
  return { declarations, projects: [...projects] };
}

/** Reads and validates declaration files from disk. */
export function loadDeclarationSet(paths: string[], inputSchemas: InputSchemas): DeclarationSet {
  const files = paths.map((file) => {
    try {
      return { file, text: readFileSync(file, 'utf8') };
    } catch (err) {
      throw new DeclarationError([{ file, path: '(file)', reason: `cannot be read: ${(err as Error).message}` }]);
    }
  });
  return parseDeclarationSet(files, inputSchemas);
}
