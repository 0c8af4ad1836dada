import { idSchema, textSchema } from '@fleet/shared-domain';
import { z } from 'zod';
import { CHANNELS } from './channels';
import { isTimeZone, localToInstant } from './time';

/** A local date-time in the campaign's time zone: `YYYY-MM-DD` (its midnight) or `YYYY-MM-DDTHH:mm[:ss]`. */
export const localDateTimeSchema = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2})?)?$/, 'expected a local date-time YYYY-MM-DD[THH:mm[:ss]] (no offset: it is in the campaign time zone)');

const channelPlanSchema = z
  .object({
    channel: z.enum(CHANNELS),
    /** This channel's share of the budget. */
    budget: z.number().nonnegative().max(1e9),
    /** Creatives to generate and publish on the channel. */
    creatives: z.number().int().min(1).max(10).default(1),
  })
  .strict();

/** The channels whose platforms report delivery statistics (e-mail reports none): the ones the optimization rule judges. */
export const MONITORED_CHANNELS = ['google', 'meta', 'linkedin'] as const satisfies readonly (typeof CHANNELS)[number][];

/**
 * The most monitor passes a campaign may run: each adds about a dozen history events (a timer, the
 * statistics activity, its workflow tasks), so the run's history stays bounded without
 * continue-as-new. A month at the hourly default is 720.
 */
export const MAX_MONITOR_PASSES = 1000;

/**
 * A running campaign's optimization rule: every `monitorEverySeconds` of running time its monitor
 * reads each published channel's delivery statistics; a channel whose click-through rate is under
 * `minClickThroughRate` once it has at least `minImpressions` impressions is paused, and with
 * `moveBudget` its remaining budget goes to the best performing active channel.
 */
export const optimizationSchema = z
  .object({
    monitorEverySeconds: z
      .number({ error: 'expected a number of seconds' })
      .int('expected whole seconds')
      .min(1, 'the monitor runs at most once a second (monitorEverySeconds >= 1)')
      .max(7 * 86_400, 'the monitor runs at least once a week (monitorEverySeconds <= 604800)')
      .default(3600),
    minClickThroughRate: z
      .number({ error: 'expected a click-through rate between 0 and 1 (0.01 is 1%)' })
      .gt(0, 'expected a click-through rate above 0 (0.01 is 1%)')
      .lt(1, 'expected a click-through rate below 1 (0.01 is 1%)'),
    minImpressions: z
      .number({ error: 'expected a number of impressions' })
      .int('expected a whole number of impressions')
      .min(1, 'a channel is judged after at least 1 impression')
      .max(1e9, 'at most 1000000000 impressions')
      .default(1000),
    moveBudget: z.boolean({ error: 'expected true or false' }).default(true),
  })
  .strict();
export type OptimizationRule = z.output<typeof optimizationSchema>;

export const PARTIAL_FAILURE_POLICIES = ['all-or-nothing', 'best-effort'] as const;
export type PartialFailurePolicy = (typeof PARTIAL_FAILURE_POLICIES)[number];

/** Creating a campaign: the workflow's input. Its id is `campaign-<idempotencyKey>`: a repeated create finds the first. */
export const createCampaignInputSchema = z
  .object({
    idempotencyKey: idSchema(64),
    name: textSchema(200),
    /** What the LLM writes the creatives from. */
    brief: textSchema(4000),
    timeZone: z.string().max(64).refine(isTimeZone, 'expected an IANA time zone (Europe/Berlin)'),
    startAt: localDateTimeSchema,
    endAt: localDateTimeSchema,
    budget: z.object({ total: z.number().positive().max(1e9), currency: z.string().regex(/^[A-Z]{3}$/, 'expected an ISO 4217 code') }).strict(),
    channels: z.array(channelPlanSchema).min(1).max(CHANNELS.length),
    /** E-mail recipients, required when the campaign mails. */
    recipients: z.array(z.email().max(254)).max(100).default([]),
    /** all-or-nothing: any creative failing unpublishes everything; best-effort: only a campaign with nothing published fails. */
    partialFailure: z.enum(PARTIAL_FAILURE_POLICIES).default('all-or-nothing'),
    approval: z
      .object({
        remindAfterSeconds: z.number().int().min(1).max(30 * 86_400).default(86_400),
        expireAfterSeconds: z.number().int().min(1).max(90 * 86_400).default(7 * 86_400),
      })
      .strict()
      .default({ remindAfterSeconds: 86_400, expireAfterSeconds: 7 * 86_400 }),
    /** A channel pauses itself after `maxErrors` failures, or once its error rate reaches `maxErrorRate` over at least `minSample` outcomes. */
    autoPause: z
      .object({
        maxErrors: z.number().int().min(1).max(1000).default(3),
        maxErrorRate: z.number().gt(0).max(1).default(0.5),
        minSample: z.number().int().min(1).max(1000).default(4),
      })
      .strict()
      .default({ maxErrors: 3, maxErrorRate: 0.5, minSample: 4 }),
    /** How often the review status of a pending creative is read, at first (it backs off to a minute). */
    reviewPollSeconds: z.number().int().min(1).max(3600).default(5),
    /** While running, the monitor and its optimization rule; none when left out. */
    optimization: optimizationSchema.optional(),
  })
  .strict()
  .superRefine((c, ctx) => {
    const issue = (path: (string | number)[], message: string) => ctx.addIssue({ code: 'custom', path, message });
    const seen = new Set<string>();
    c.channels.forEach((p, i) => {
      if (seen.has(p.channel)) issue(['channels', i, 'channel'], `channel ${p.channel} is listed twice`);
      seen.add(p.channel);
    });
    const planned = c.channels.reduce((sum, p) => sum + p.budget, 0);
    if (planned > c.budget.total + 1e-9) issue(['channels'], `the channels' budgets (${planned}) exceed the total budget (${c.budget.total})`);
    if (seen.has('email') && c.recipients.length === 0) issue(['recipients'], 'an e-mail campaign needs recipients');
    if (c.approval.remindAfterSeconds >= c.approval.expireAfterSeconds) issue(['approval', 'remindAfterSeconds'], 'the reminder must come before the approval expires');
    if (!isTimeZone(c.timeZone)) return;
    const start = localToInstant(c.startAt, c.timeZone);
    const end = localToInstant(c.endAt, c.timeZone);
    if (start === undefined) issue(['startAt'], 'not a real local date-time');
    if (end === undefined) issue(['endAt'], 'not a real local date-time');
    if (start !== undefined && end !== undefined && end <= start) issue(['endAt'], 'the campaign must end after it starts');
    if (c.optimization) {
      if (!c.channels.some((p) => (MONITORED_CHANNELS as readonly string[]).includes(p.channel))) {
        issue(['optimization'], `the optimization rule needs a channel that reports delivery (${MONITORED_CHANNELS.join(', ')}); e-mail reports none`);
      }
      const passes = start !== undefined && end !== undefined && end > start ? Math.floor((end - start) / (c.optimization.monitorEverySeconds * 1000)) : 0;
      if (passes > MAX_MONITOR_PASSES) {
        const least = Math.ceil(((end as number) - (start as number)) / 1000 / MAX_MONITOR_PASSES);
        issue(['optimization', 'monitorEverySeconds'], `every ${c.optimization.monitorEverySeconds} s the monitor would run ${passes} times over the campaign (at most ${MAX_MONITOR_PASSES}): monitor every ${least} s or more`);
      }
    }
  });
export type CreateCampaignInput = z.output<typeof createCampaignInputSchema>;
/** As a client sends it (defaults may be left out). */
export type CreateCampaignRequest = z.input<typeof createCampaignInputSchema>;

export const actorSchema = idSchema(128);

export const submitInputSchema = z.object({ by: actorSchema }).strict();
export type SubmitInput = z.output<typeof submitInputSchema>;

/** Approving or rejecting: who and why. */
export const decisionInputSchema = z.object({ by: actorSchema, reason: textSchema(2000) }).strict();
export type DecisionInput = z.output<typeof decisionInputSchema>;

export const scheduleInputSchema = z.object({ by: actorSchema }).strict();
export type ScheduleInput = z.output<typeof scheduleInputSchema>;

/** Pausing or resuming the campaign, or one channel of it. */
export const pauseInputSchema = z.object({ by: actorSchema, channel: z.enum(CHANNELS).optional(), reason: textSchema(2000).optional() }).strict();
export type PauseInput = z.output<typeof pauseInputSchema>;

export const cancelInputSchema = z.object({ by: actorSchema, reason: textSchema(2000) }).strict();
export type CancelInput = z.output<typeof cancelInputSchema>;
