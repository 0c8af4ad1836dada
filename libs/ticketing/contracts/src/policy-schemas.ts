import { idSchema } from '@fleet/shared-domain';
import { calendarSchema } from '@fleet/ticketing-business-time';
import { z } from 'zod';
import { PRIORITIES, SLA_CLOCKS, TICKET_STATES } from './ticket';
import { emailSchema } from './ticket-schemas';

const MINUTES_A_YEAR = 525_600;

/**
 * The schemas of the ticketing configuration, built anew by each call: `./policy` exports one set
 * (the API, the activities), the workflow validators build their own (see `ticketInputSchemas`).
 */
export function ticketingConfigSchemas() {
  const minutes = (what: string) => z.number().int(`${what} must be whole minutes`).min(1, `${what} must be at least 1 minute`).max(MINUTES_A_YEAR, `${what} must be at most a year`);

  /** Targets in business minutes of the rule's calendar; a clock without a target does not run. */
  const targetsSchema = z
    .object({ firstResponse: minutes('the target').optional(), nextUpdate: minutes('the target').optional(), solution: minutes('the target').optional() })
    .strict()
    .refine((t) => SLA_CLOCKS.some((c) => t[c] !== undefined), 'a rule needs at least one target');

  /** Warnings before the breach: at a share of the target, and a lead time before it (business minutes). */
  const warningsSchema = z
    .object({
      percent: z.array(z.number().int().min(1).max(99)).max(5).default([75]),
      leadMinutes: z.array(minutes('a lead time')).max(5).default([]),
    })
    .strict();

  /** The states that pause each clock; pending pauses next update and solution unless told otherwise. */
  const pausesSchema = z
    .object({
      firstResponse: z.array(z.enum(TICKET_STATES)).default([]),
      nextUpdate: z.array(z.enum(TICKET_STATES)).default(['pending']),
      solution: z.array(z.enum(TICKET_STATES)).default(['pending']),
    })
    .strict();

  /** Who a level notifies: the ticket's assignee, or a named agent (a team lead, a manager). */
  const recipientSchema = z.union([z.object({ role: z.literal('assignee') }).strict(), z.object({ agent: idSchema(128) }).strict()]);

  /** One level of an escalation ladder: fired once per clock cycle, `afterMinutes` (wall clock) after its trigger. */
  const escalationLevelSchema = z
    .object({
      level: z.number().int().min(1).max(10),
      clock: z.enum(SLA_CLOCKS),
      on: z.enum(['warning', 'breach']),
      afterMinutes: z.number().int().min(0).max(MINUTES_A_YEAR).default(0),
      notify: recipientSchema,
      reassignTo: idSchema(128).optional(),
    })
    .strict();

  /** An SLA rule: which tickets (queue and priority; empty matches all), its calendar, targets, warnings, pauses and ladder. */
  const slaRuleSchema = z
    .object({
      id: idSchema(64),
      enabled: z.boolean().default(true),
      match: z.object({ queues: z.array(idSchema(64)).max(100).optional(), priorities: z.array(z.enum(PRIORITIES)).optional() }).strict().default({}),
      /** The name of a calendar of the configuration. */
      calendar: idSchema(64),
      targets: targetsSchema,
      warnings: warningsSchema.default({ percent: [75], leadMinutes: [] }),
      pauses: pausesSchema.default({ firstResponse: [], nextUpdate: ['pending'], solution: ['pending'] }),
      escalations: z.array(escalationLevelSchema).max(20).default([]),
    })
    .strict()
    .superRefine((rule, ctx) => {
      const seen = new Set<string>();
      rule.escalations.forEach((e, i) => {
        const key = `${e.clock}/${e.level}`;
        if (seen.has(key)) ctx.addIssue({ code: 'custom', path: ['escalations', i, 'level'], message: `level ${e.level} of ${e.clock} is given twice` });
        seen.add(key);
        if (rule.targets[e.clock] === undefined) ctx.addIssue({ code: 'custom', path: ['escalations', i, 'clock'], message: `the rule has no ${e.clock} target to escalate` });
      });
    });

  const agentSchema = z
    .object({
      email: emailSchema().max(254).optional(),
      /** E.164 phone number for SMS. */
      phone: z.string().regex(/^\+[1-9]\d{6,14}$/, 'expected an E.164 phone number (+15551234567)').optional(),
      pushToken: idSchema(256).optional(),
      /** The calendar of the agent's working hours: notifications outside them wait (quiet hours). */
      calendar: idSchema(64).optional(),
    })
    .strict();

  /**
   * The ticketing configuration: calendars, SLA rules in order (the first enabled rule that matches a
   * ticket's queue and priority wins), the agents notifications reach, and lifecycle waits.
   */
  const ticketingConfigSchema = z
    .object({
      calendars: z.record(idSchema(64), calendarSchema()).refine((c) => Object.keys(c).length <= 100, 'at most 100 calendars'),
      rules: z.array(slaRuleSchema).max(200),
      agents: z.record(idSchema(128), agentSchema).default({}),
      lifecycle: z
        .object({
          /** A resolved ticket may be reopened this long (wall clock); then it closes. */
          reopenWindowMinutes: z.number().int().min(0).max(MINUTES_A_YEAR).default(7 * 24 * 60),
          /** A pending ticket closes this long after its reminder time, unless it moved on. */
          pendingAutoCloseMinutes: z.number().int().min(1).max(MINUTES_A_YEAR).default(7 * 24 * 60),
        })
        .strict()
        .default({ reopenWindowMinutes: 7 * 24 * 60, pendingAutoCloseMinutes: 7 * 24 * 60 }),
    })
    .strict()
    .superRefine((config, ctx) => {
      const ids = new Set<string>();
      config.rules.forEach((rule, i) => {
        if (ids.has(rule.id)) ctx.addIssue({ code: 'custom', path: ['rules', i, 'id'], message: `rule ${rule.id} is given twice` });
        ids.add(rule.id);
        if (!config.calendars[rule.calendar]) ctx.addIssue({ code: 'custom', path: ['rules', i, 'calendar'], message: `no calendar named ${rule.calendar}` });
        rule.escalations.forEach((e, j) => {
          if ('agent' in e.notify && !config.agents[e.notify.agent]) ctx.addIssue({ code: 'custom', path: ['rules', i, 'escalations', j, 'notify', 'agent'], message: `no agent ${e.notify.agent}` });
        });
      });
      for (const [id, agent] of Object.entries(config.agents)) {
        if (agent.calendar && !config.calendars[agent.calendar]) ctx.addIssue({ code: 'custom', path: ['agents', id, 'calendar'], message: `no calendar named ${agent.calendar}` });
      }
    });

  return { recipientSchema, escalationLevelSchema, slaRuleSchema, agentSchema, ticketingConfigSchema };
}
