/**
 * The ticketing workflows' input validation, as functions. Workflow bundles preload this module
 * (through `@fleet/ticketing-contracts/workflow`): the SDK's reusable V8 context evaluates it, zod and
 * the schemas once per worker instead of once per workflow run (a few MB of heap and tens of ms of
 * CPU per ticket otherwise), shares them between runs and deep-freezes every preloaded module's
 * exports. Hence:
 * - the schemas live in this module's scope, never exported: a frozen zod schema cannot parse (zod
 *   memoizes derived internals onto it, swaps its parser on the first parse and resets its regexes'
 *   `lastIndex` before each test). No regex of zod's own (frozen with its module) may serve as a
 *   pattern either: see `emailSchema`;
 * - the schemas are built here, at preload, so zod's lazily set state (its default locale and
 *   memoizer in its global config, its `allowsEval` cache) is set before the freeze, not by the
 *   first workflow run, where writing it would throw;
 * - they are warmed up here too: every lazily derived internal read (also those of schemas other
 *   libs export, embedded here and frozen with their module: shared-domain's `isoDateSchema`) and
 *   each schema parsed once, so first parses (the object parsers zod compiles) cost the worker's
 *   start, not a workflow task;
 * - nothing of a run stays behind: parsing keeps its state in the parse call (deterministic, and
 *   the same answer for every run).
 * libs/ticketing/contracts/src/workflow-validators.test.ts runs them so, run after run.
 */
import { parseInput } from '@fleet/shared-domain';
import { z } from 'zod';
import { ticketingConfigSchemas } from './policy-schemas';
import { TICKET_LIFECYCLE_WORKFLOW, TICKETING_CONFIG_WORKFLOW } from './search-attributes';
import { ticketInputSchemas } from './ticket-schemas';

const tickets = ticketInputSchemas();
const configs = ticketingConfigSchemas();
const configWorkflowInput = z.object({}).strict();

const inputs = {
  create: tickets.createTicketInputSchema,
  assign: tickets.assignInputSchema,
  changeState: tickets.changeStateInputSchema,
  changePriority: tickets.changePriorityInputSchema,
  changeQueue: tickets.changeQueueInputSchema,
  addArticle: tickets.addArticleInputSchema,
  setConfig: configs.ticketingConfigSchema,
};
/** The Updates whose argument is validated here. */
export type WorkflowInputKind = keyof typeof inputs;
/** An Update's argument as parsed (defaults filled in). */
export type WorkflowInput<K extends WorkflowInputKind> = z.output<(typeof inputs)[K]>;

/** The lifecycle workflow's input parsed, or a non-retryable `InvalidInput` failure naming every bad field. */
export function parseTicketWorkflowInput(raw: unknown): WorkflowInput<'create'> {
  return parseInput(TICKET_LIFECYCLE_WORKFLOW, tickets.createTicketInputSchema, raw);
}

/** The configuration workflow's input (none) checked, as `parseTicketWorkflowInput`. */
export function parseConfigWorkflowInput(raw: unknown): void {
  parseInput(TICKETING_CONFIG_WORKFLOW, configWorkflowInput, raw);
}

/**
 * An Update's argument parsed, or an Error naming each bad field: `assignee: only letters, digits and
 * . _ : - are allowed` (`whole` names a problem of the argument as a whole). What a validator throws.
 */
export function checkWorkflowInput<K extends WorkflowInputKind>(kind: K, arg: unknown, whole = 'input'): WorkflowInput<K> {
  const parsed = inputs[kind].safeParse(arg);
  if (!parsed.success) throw new Error(parsed.error.issues.map((i) => `${i.path.join('.') || whole}: ${i.message}`).join('; '));
  return parsed.data as WorkflowInput<K>;
}

/** An Update's argument parsed, throwing zod's own error when it is bad (`schema.parse`). */
export function parseWorkflowInput<K extends WorkflowInputKind>(kind: K, arg: unknown): WorkflowInput<K> {
  return inputs[kind].parse(arg) as WorkflowInput<K>;
}

// ---- the warm-up, at preload: before the SDK freezes zod's module exports ----

/** Reads every lazily derived internal of a schema and its parts (zod memoizes them onto the schema on first read). */
function settle(schema: unknown, seen = new Set<unknown>()): void {
  if (!isSchema(schema) || seen.has(schema)) return;
  seen.add(schema);
  const internals = schema._zod as unknown as Record<string, unknown>;
  for (let proto = Object.getPrototypeOf(internals) as object | null; proto && proto !== Object.prototype; proto = Object.getPrototypeOf(proto) as object | null) {
    for (const key of Object.getOwnPropertyNames(proto)) {
      try {
        void internals[key];
      } catch {
        // A derivation that fails fails the same way whenever it is read.
      }
    }
  }
  const parts = (value: unknown): unknown[] => (Array.isArray(value) ? value : isSchema(value) ? [value] : value && typeof value === 'object' && !(value instanceof RegExp) ? Object.values(value) : []);
  for (const value of Object.values(internals['def'] as object)) for (const part of parts(value)) parts(part).forEach((s) => settle(s, seen));
}
function isSchema(value: unknown): value is z.core.$ZodType {
  return typeof value === 'object' && value !== null && '_zod' in value;
}

const always = { start: '00:00', end: '24:00' };
const week = { mon: [always], tue: [always], wed: [always], thu: [always], fri: [always], sat: [always], sun: [always] };
/** Good and bad arguments of each kind: every check, refinement, default and error path runs once. */
const samples: { [K in WorkflowInputKind]: unknown[] } = {
  create: [
    { ticketId: 'T-1', queue: 'support', priority: 'high', subject: 'Printer', body: 'It is on fire', customer: { id: 'c-1', email: 'ada@example.com', name: 'Ada' } },
    { ticketId: 'T-2', queue: 'support', subject: 'Printer', body: 'b', customer: { id: 'c-1' } },
    { ticketId: 'bad id', queue: '', priority: 'someday', subject: '\u0000', body: 1, customer: { id: 'c', email: 'nope', extra: 1 }, extra: 1 },
    null,
    'ticket',
  ],
  assign: [{ assignee: 'alice' }, { assignee: null }, { assignee: 'al ice' }, {}],
  changeState: [{ state: 'pending', pendingUntil: '2026-12-02T09:00:00Z' }, { state: 'open' }, { state: 'pending' }, { state: 'open', pendingUntil: 'tomorrow' }, { state: 'gone' }],
  changePriority: [{ priority: 'urgent' }, { priority: 'whenever' }],
  changeQueue: [{ queue: 'billing' }, { queue: 'bill ing' }],
  addArticle: [
    { articleId: 'a-1', author: 'agent', authorId: 'alice', body: 'On it', internal: true },
    { articleId: 'a-2', author: 'customer', authorId: 'c-1', body: 'Thanks' },
    { articleId: 'a-3', author: 'customer', authorId: 'c-1', body: '', internal: true },
    { articleId: 'a-4', author: 'robot' },
  ],
  setConfig: [
    {
      calendars: {
        office: {
          timeZone: 'Europe/Berlin',
          week: { mon: [{ start: '09:00', end: '12:00' }, { start: '13:00', end: '17:00' }], fri: [{ start: '09:00', end: '15:00' }] },
          holidays: { country: 'DE', state: 'BE' },
          customHolidays: ['2026-12-24'],
          halfDays: [{ date: '2026-12-31', windows: [{ start: '09:00', end: '12:00' }] }],
        },
        always: { timeZone: 'UTC', week },
      },
      rules: [
        {
          id: 'urgent',
          match: { queues: ['support'], priorities: ['urgent'] },
          calendar: 'always',
          targets: { firstResponse: 30, solution: 240 },
          warnings: { percent: [50, 75], leadMinutes: [10] },
          pauses: { solution: ['pending'] },
          escalations: [
            { level: 1, clock: 'firstResponse', on: 'warning', notify: { role: 'assignee' } },
            { level: 2, clock: 'firstResponse', on: 'breach', afterMinutes: 5, notify: { agent: 'lead' }, reassignTo: 'lead' },
          ],
        },
        { id: 'default', calendar: 'office', targets: { nextUpdate: 480 } },
      ],
      agents: { lead: { email: 'lead@example.com', phone: '+15551234567', pushToken: 'tok-1', calendar: 'office' } },
      lifecycle: { reopenWindowMinutes: 60, pendingAutoCloseMinutes: 60 },
    },
    {
      calendars: {
        bad: {
          timeZone: 'Mars/Base',
          week: { mon: [{ start: '09:00', end: '12:00' }, { start: '11:00', end: '25:00' }], tue: [{ start: '10:00', end: '09:00' }] },
          holidays: { country: 'XX', types: [] },
          customHolidays: ['2026-02-30'],
          halfDays: [{ date: '2026-12-31', windows: [] }, { date: '2026-12-31', windows: [] }],
          extra: 1,
        },
        closed: { timeZone: 'UTC', week: {} },
      },
      rules: [
        { id: 'r', calendar: 'nowhere', targets: {}, warnings: { percent: [0] }, escalations: [{ level: 1, clock: 'solution', on: 'breach', notify: { agent: 'ghost' } }] },
        { id: 'r', calendar: 'bad', targets: { solution: 0.5 }, escalations: [{ level: 1, clock: 'nextUpdate', on: 'later', notify: { role: 'boss' } }] },
      ],
      agents: { x: { email: 'x', phone: '555', calendar: 'none' } },
    },
    { calendars: {}, rules: [] },
    [],
  ],
};
for (const [kind, args] of Object.entries(samples) as [WorkflowInputKind, unknown[]][]) {
  settle(inputs[kind]);
  for (const arg of args) inputs[kind].safeParse(arg);
}
settle(configWorkflowInput);
configWorkflowInput.safeParse({});
configWorkflowInput.safeParse({ extra: 1 });
