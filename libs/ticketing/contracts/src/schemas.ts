import { idSchema, textSchema } from '@fleet/shared-domain';
import { z } from 'zod';

// Kept here, not imported from ticket.ts, so that module's types can refer to these schemas' outputs.
const states = ['new', 'open', 'pending', 'resolved', 'closed'] as const;
const priorities = ['low', 'normal', 'high', 'urgent'] as const;

/** An ISO 8601 instant with its offset (2026-12-02T09:00:00Z). */
export const instantSchema = z.iso.datetime({ offset: true, message: 'expected an ISO 8601 date-time with its offset' });

/** Creating a ticket: the lifecycle workflow's input; a repeated create with the same id finds the first. */
export const createTicketInputSchema = z
  .object({
    ticketId: idSchema(64),
    queue: idSchema(64),
    priority: z.enum(priorities).default('normal'),
    subject: textSchema(200),
    body: textSchema(20_000),
    customer: z
      .object({ id: idSchema(128), email: z.email().max(254).optional(), name: textSchema(200).optional() })
      .strict(),
  })
  .strict();
export type CreateTicketInput = z.output<typeof createTicketInputSchema>;
/** As a client sends it (defaults may be left out). */
export type CreateTicketRequest = z.input<typeof createTicketInputSchema>;

export const assignInputSchema = z.object({ assignee: idSchema(128).nullable() }).strict();
export type AssignInput = z.output<typeof assignInputSchema>;

export const changeStateInputSchema = z
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
export type ChangeStateInput = z.output<typeof changeStateInputSchema>;

export const changePriorityInputSchema = z.object({ priority: z.enum(priorities) }).strict();
export type ChangePriorityInput = z.output<typeof changePriorityInputSchema>;

export const changeQueueInputSchema = z.object({ queue: idSchema(64) }).strict();
export type ChangeQueueInput = z.output<typeof changeQueueInputSchema>;

export const addArticleInputSchema = z
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
export type AddArticleInput = z.output<typeof addArticleInputSchema>;
export type AddArticleRequest = z.input<typeof addArticleInputSchema>;
