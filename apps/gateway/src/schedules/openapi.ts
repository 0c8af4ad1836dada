import { jsonSchemaOf, operation, type OpenApiFragment } from '@fleet/shared-http';
import { OVERLAP_POLICIES } from '@fleet/shared-schedules';
import { z } from 'zod';
import { SCOPES } from '../auth';

/*
 * The schedules API's part of the OpenAPI document: its paths (relative to /api/v0, where the
 * gateway mounts it) and the component schemas they name. Every field is camelCase, as in every
 * other API of the gateway. What the API shows of a schedule comes from Temporal alone: its memo
 * (the declaration its worker made it from) and its state.
 */

const dateTime = z.iso.datetime({ offset: true });

/** What the declaration says (apps/<app>/workflows.yaml), from the schedule's memo. */
const scheduleConfig = z
  .object({
    file: z.string().describe('The declaring file, relative to the repository'),
    type: z.string().describe('The workflow type it starts'),
    taskQueue: z.string(),
    cron: z.string(),
    timezone: z.string(),
    enabled: z.boolean().describe('As declared (the schedule may be overridden)'),
    overlapPolicy: z.enum(OVERLAP_POLICIES),
    jitterMs: z.number().int().optional(),
    catchupWindowMs: z.number().int().optional(),
    pauseOnFailure: z.boolean(),
    startAt: dateTime.optional(),
    endAt: dateTime.optional(),
    input: z.unknown().optional().describe("The workflow's input, as declared"),
  })
  .describe("A schedule's declaration");

/** What a schedule declares: null cron and config for a schedule made by an earlier Fleet, until its worker replaces it. */
const declared = {
  workflowId: z.string(),
  scheduleId: z.string().describe('schedule-<project>-<workflowId>'),
  project: z.string().describe('The worker app that declares it'),
  cron: z.string().nullable(),
  timezone: z.string().nullable(),
  config: scheduleConfig.nullable(),
};
const state = {
  enabled: z.boolean().describe('Whether it runs now (false: paused)'),
  isOverride: z.boolean().describe("Whether an override made through this API is in force (until its worker's next start)"),
};
const runs = {
  nextRunTime: dateTime.nullable(),
  lastRunTime: dateTime.nullable(),
};

export const scheduleSchema = z.object({ ...declared, ...state, ...runs }).describe('A schedule Fleet keeps, as Temporal has it');
export const scheduleDetailSchema = scheduleSchema
  .extend({ lastRunStatus: z.string().nullable().describe("The last run's workflow status (RUNNING, COMPLETED, FAILED...)") })
  .describe('A schedule, with the status of its last run');
export const scheduleListSchema = z.object({ schedules: z.array(scheduleSchema) });
export const scheduleOverrideSchema = z.object({ ...declared, ...state }).describe('The state an override set (run times: GET)');
const triggeredSchema = z.object({ triggered: z.string().describe('The schedule id') });
const count = (description: string) => z.number().int().min(0).describe(description);
const backfilledSchema = z
  .object({
    scheduleId: z.string(),
    start: dateTime,
    end: dateTime,
    overlapPolicy: z.enum(OVERLAP_POLICIES).describe("The backfill's own overlap policy (the request's, or buffer_all)"),
    runsInWindow: count('How many times the schedule would have run in the window'),
    started: count('Runs started'),
    buffered: count('Runs waiting to start, each when the run before it ends'),
    skipped: count("Runs skipped because a run was still running (the backfill's overlap policy)"),
    pending: count('Times the schedule had not taken yet when the answer was made (it takes them shortly)'),
    reason: z.string().describe('What happened, and why runs were skipped or wait'),
  })
  .describe("A backfill's outcome, from the schedule's counters before and after it (a run of the schedule's own falling due at that moment counts too)");

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const tags = ['schedules'];
const path = { workflowId: 'The workflow id its schedule starts (the `id` of its declaration)' };
const query = z.object({ project: z.string().min(1).optional().describe('The project, when two projects schedule the same workflow id') });
const ambiguous = { '409': 'Two projects schedule this workflow id: add ?project=' };

export const schedulesOpenApi = {
  components: {
    schemas: {
      Schedule: jsonSchemaOf(scheduleSchema),
      ScheduleDetail: jsonSchemaOf(scheduleDetailSchema),
      ScheduleList: jsonSchemaOf(scheduleListSchema),
      ScheduleOverride: jsonSchemaOf(scheduleOverrideSchema),
      ScheduleTriggered: jsonSchemaOf(triggeredSchema),
      ScheduleBackfilled: jsonSchemaOf(backfilledSchema),
      SetEnabled: { type: 'object', additionalProperties: false, required: ['enabled'], properties: { enabled: { type: 'boolean' } } },
      Backfill: {
        type: 'object',
        additionalProperties: false,
        required: ['start', 'end'],
        properties: {
          start: { type: 'string', format: 'date-time' },
          end: { type: 'string', format: 'date-time', description: 'After start; the window at most 366 days and fewer than 1,000 runs of the schedule' },
          overlapPolicy: {
            type: 'string',
            enum: [...OVERLAP_POLICIES],
            default: 'buffer_all',
            description: "The backfill's own overlap policy (not the schedule's): buffer_all runs every time in the window, one after another",
          },
        },
      },
    },
  },
  paths: {
    '/schedules': {
      get: operation({
        operationId: 'listSchedules',
        summary: 'Every schedule Fleet keeps (every project): its declaration, state, next and last run, from one listing of Temporal',
        scope: SCOPES.scheduleRead,
        tags,
        responses: { '200': { description: 'The schedules, by project and workflow id', schema: ref('ScheduleList') } },
      }),
    },
    '/schedules/{workflowId}': {
      get: operation({
        operationId: 'getSchedule',
        summary: "One schedule, with its last run's status (from its listing entry, with Fleet-Schedule-Source: visibility, when its description is slow)",
        scope: SCOPES.scheduleRead,
        tags,
        path,
        query,
        responses: { '200': { description: 'The schedule', schema: ref('ScheduleDetail') } },
        problems: ambiguous,
      }),
      put: operation({
        operationId: 'setScheduleEnabled',
        summary: "Pause or resume it until its worker's next start (periodic reconciles keep the override)",
        scope: SCOPES.scheduleWrite,
        tags,
        path,
        query,
        body: { schema: ref('SetEnabled'), required: true },
        responses: { '200': { description: 'The state it set', schema: ref('ScheduleOverride') } },
        problems: ambiguous,
      }),
      delete: operation({
        operationId: 'deleteSchedule',
        summary: "Delete it (its worker's next start makes it again while it is declared)",
        scope: SCOPES.scheduleWrite,
        tags,
        path,
        query,
        responses: { '204': { description: 'Deleted' } },
        problems: ambiguous,
      }),
    },
    '/schedules/{workflowId}/trigger': {
      post: operation({
        operationId: 'triggerSchedule',
        summary: 'Run it now',
        scope: SCOPES.scheduleWrite,
        tags,
        path,
        query,
        responses: { '202': { description: 'Triggered', schema: ref('ScheduleTriggered') } },
        problems: ambiguous,
      }),
    },
    '/schedules/{workflowId}/backfill': {
      post: operation({
        operationId: 'backfillSchedule',
        summary: 'Run the times it would have run in a window, with its own overlap policy; the answer counts the runs the window holds and those started, waiting or skipped',
        scope: SCOPES.scheduleWrite,
        tags,
        path,
        query,
        body: { schema: ref('Backfill'), required: true },
        responses: { '202': { description: 'Backfill requested: what the schedule did with it within a short wait', schema: ref('ScheduleBackfilled') } },
        problems: ambiguous,
      }),
    },
  },
} satisfies OpenApiFragment & { components: { schemas: Record<string, Record<string, unknown>> } };
