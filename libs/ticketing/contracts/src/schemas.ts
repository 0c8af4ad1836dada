import type { z } from 'zod';
import { ticketInputSchemas } from './ticket-schemas';

const schemas = ticketInputSchemas();

/** An ISO 8601 instant with its offset (2026-12-02T09:00:00Z). */
export const instantSchema = schemas.instantSchema;

/** Creating a ticket: the lifecycle workflow's input; a repeated create with the same id finds the first. */
export const createTicketInputSchema = schemas.createTicketInputSchema;
export type CreateTicketInput = z.output<typeof createTicketInputSchema>;
/** As a client sends it (defaults may be left out). */
export type CreateTicketRequest = z.input<typeof createTicketInputSchema>;

export const assignInputSchema = schemas.assignInputSchema;
export type AssignInput = z.output<typeof assignInputSchema>;

/** A state change; pending needs its reminder time (`pendingUntil`), no other state has one. */
export const changeStateInputSchema = schemas.changeStateInputSchema;
export type ChangeStateInput = z.output<typeof changeStateInputSchema>;

export const changePriorityInputSchema = schemas.changePriorityInputSchema;
export type ChangePriorityInput = z.output<typeof changePriorityInputSchema>;

export const changeQueueInputSchema = schemas.changeQueueInputSchema;
export type ChangeQueueInput = z.output<typeof changeQueueInputSchema>;

/** An article (customer or agent message); an agent's internal note stops no clock. */
export const addArticleInputSchema = schemas.addArticleInputSchema;
export type AddArticleInput = z.output<typeof addArticleInputSchema>;
export type AddArticleRequest = z.input<typeof addArticleInputSchema>;
