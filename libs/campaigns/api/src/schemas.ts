import { idSchema } from '@fleet/shared-domain';
import { CAMPAIGN_STATES, CHANNELS, PARTIAL_FAILURE_POLICIES, type CampaignView, type CreativeView } from '@fleet/campaigns-contracts';
import { z } from 'zod';

/**
 * The campaigns API's parameters and answers, in zod: the routes validate with them and the OpenAPI
 * fragment is generated from them (request bodies are the contracts' own input schemas).
 */

/** `{idempotencyKey}` of a path: the key the campaign was created with (its workflow id is `campaign-<idempotencyKey>`). */
export const campaignPathSchema = z.object({ idempotencyKey: idSchema(64) });

const instant = z.string().meta({ format: 'date-time' });
const text = z.string().nullable();

const creativeContentSchema = z.object({ headline: z.string(), body: z.string(), callToAction: z.string() });

const creativeSchema = z.object({
  channel: z.enum(CHANNELS),
  creative: z.number().int().min(1),
  reference: z.string().meta({ description: "`campaignId:channel:creative`, the platform's lookup key" }),
  status: z.enum(['pending', 'publishing', 'pending_review', 'approved', 'disapproved', 'failed', 'skipped', 'unpublished']),
  externalId: text,
  feedback: text.meta({ description: "The platform's review feedback of a disapproved creative" }),
  error: text,
  content: creativeContentSchema.nullable().meta({ description: 'The generated creative; null until written' }),
});

const channelSchema = z.object({
  channel: z.enum(CHANNELS),
  budget: z.number(),
  status: z.enum(['active', 'paused', 'auto-paused']),
  errors: z.number().int().min(0),
  outcomes: z.number().int().min(0),
  pausedReason: text,
});

const approvalSchema = z.object({
  decision: z.enum(['approved', 'rejected', 'expired']).nullable(),
  by: text,
  reason: text,
  decidedAt: instant.nullable(),
  submittedBy: text,
  submittedAt: instant.nullable(),
  remindedAt: instant.nullable(),
  expiresAt: instant.nullable(),
});

/** A campaign as every Update answers and its query returns. */
export const campaignViewSchema = z.object({
  workflowId: z.string(),
  idempotencyKey: z.string(),
  campaignId: text.meta({ description: "The record's id, known once the campaign is recorded" }),
  name: z.string(),
  state: z.enum(CAMPAIGN_STATES),
  timeZone: z.string(),
  startAt: instant,
  endAt: instant,
  partialFailure: z.enum(PARTIAL_FAILURE_POLICIES),
  contentReady: z.boolean().meta({ description: 'The generated content is ready for review' }),
  approval: approvalSchema,
  channels: z.array(channelSchema),
  creatives: z.array(creativeSchema),
  compensation: z.object({
    status: z.enum(['none', 'running', 'done']),
    unpublished: z.number().int().min(0),
    irreversible: z.number().int().min(0),
    order: z.array(z.string()).meta({ description: 'The references undone, in the order they were (newest first)' }),
  }),
  failure: text,
  createdAt: instant,
  updatedAt: instant,
  version: z.number().int().min(0).meta({ description: 'The number of recorded changes' }),
});

// The answers' schemas say what the workflows return: a change to one of their types that the
// schema does not follow fails the typecheck.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const _creative: Same<z.output<typeof creativeSchema>, CreativeView> = true;
const _campaign: Same<z.output<typeof campaignViewSchema>, CampaignView> = true;
