import { idSchema, textSchema } from '@fleet/shared-domain';
import { z } from 'zod';

// Kept here, not imported from ticket.ts, so that module's types can refer to these schemas' outputs.
const states = ['new', 'open', 'pending', 'resolved', 'closed'] as const;
const priorities = ['low', 'normal', 'high', 'urgent'] as const;

/**
 * The schemas of a ticket's input and changes, built anew by each call: `./schemas` exports one set
 * (the API, the activities), the workflow validators build their own. Workflow bundles preload the
 * validators, and the SDK deep-freezes a preloaded module's exports: a frozen zod schema cannot parse
 * (zod memoizes onto it and resets its regexes' lastIndex), so no schema is exported from there.
 */
export function ticketInputSchemas() {
  /** An ISO 8601 instant with its offset (2026-12-02T09:00:00Z). */
  const instantSchema = z.iso.datetime({ offset: true, message: 'expected an ISO 8601 date-time with its offset' });

  /** Creating a ticket: the lifecycle workflow's input; a repeated create with the same id finds the first. */
  const createTicketInputSchema = z
    .object({
      ticketId: idSchema(64),
      queue: idSchema(64),
      priority: z.enum(priorities).default('normal'),
      subject: textSchema(200),
      body: textSchema(20_000),
      customer: z
        .object({ id: idSchema(128), email: emailSchema().max(254).optional(), name: textSchema(200).optional() })
        .strict(),
    })
    .strict();

  const assignInputSchema = z.object({ assignee: idSchema(128).nullable() }).strict();

  const changeStateInputSchema = z
    .object({
      state: z.enum(states),
      /** Required for pending: when the assignee is reminded. */
      pendingUntil: instantSchema.optional(),
    })
    .strict()
    .superRefine((input, ctx) => {
      if (input.state === 'pending' && !input.pendingUntil) ctx.addIssue({ code: 'custom', path: ['pendingUntil'], message: 'a pending ticket needs its reminder time' });
      if (input.state !== 'pending' && input.pendingUntil) ctx.addIssue({ code: 'custom', path: ['pendingUntil'], message: 'only a pending ticket has a reminder time' });
    });

  const changePriorityInputSchema = z.object({ priority: z.enum(priorities) }).strict();

  const changeQueueInputSchema = z.object({ queue: idSchema(64) }).strict();

  const addArticleInputSchema = z
    .object({
      /** The article's own id: adding it again changes nothing. */
      articleId: idSchema(64),
      author: z.enum(['customer', 'agent']),
      authorId: idSchema(128),
      body: textSchema(20_000),
      /** An agent's internal note: not a response to the customer, so it stops no clock. */
      internal: z.boolean().default(false),
    })
    .strict()
    .refine((a) => !(a.internal && a.author === 'customer'), { path: ['internal'], message: 'only an agent writes internal notes' });

  return { instantSchema, createTicketInputSchema, assignInputSchema, changeStateInputSchema, changePriorityInputSchema, changeQueueInputSchema, addArticleInputSchema };
}

/**
 * `z.email()` with its own copy of zod's pattern (the same pattern, the same messages). zod's own is
 * an export of its regexes module: frozen when the module is preloaded, where the check's reset of
 * `lastIndex` before each test throws.
 */
export function emailSchema() {
  return z.email({ pattern: new RegExp(z.regexes.email.source, z.regexes.email.flags) });
}
