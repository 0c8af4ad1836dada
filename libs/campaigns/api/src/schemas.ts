import { idSchema } from '@fleet/shared-domain';
import {
  CAMPAIGN_STATES,
  CHANNELS,
  PARTIAL_FAILURE_POLICIES,
  optimizationSchema,
  type AgentReportResult,
  type AgentWorkflowProgress,
  type CampaignView,
  type CreativeView,
} from '@fleet/campaigns-contracts';
import { runViewSchema } from '@fleet/shared-http';
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

const deliverySchema = z.object({
  channel: z.enum(CHANNELS),
  impressions: z.number().int().min(0),
  clicks: z.number().int().min(0),
  spend: z.number().meta({ description: "In the campaign's currency" }),
  objects: z.number().int().min(0).meta({ description: 'The platform objects counted' }),
});

const optimizationViewSchema = z
  .object({
    rule: optimizationSchema,
    passes: z.number().int().min(0),
    lastPassAt: instant.nullable(),
    nextPassAt: instant.nullable().meta({ description: 'Null while paused or once ended' }),
    delivery: z.array(deliverySchema).meta({ description: "The last reading, per channel with something published" }),
    decisions: z.array(
      z.object({
        pass: z.number().int().min(1),
        action: z.enum(['pause_channel', 'move_budget']),
        channel: z.enum(CHANNELS),
        toChannel: z.enum(CHANNELS).nullable(),
        amount: z.number().nullable(),
        reason: z.string(),
        impressions: z.number().int().min(0),
        clicks: z.number().int().min(0),
        at: instant,
      }),
    ),
    lastError: text,
  })
  .meta({ description: 'The running campaign\'s monitor and what its optimization rule decided; present when the campaign has a rule' });

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
  optimization: optimizationViewSchema.optional(),
  createdAt: instant,
  updatedAt: instant,
  version: z.number().int().min(0).meta({ description: 'The number of recorded changes' }),
});

/** `{workflowId}` of an audit's path: the workflow id its start answered with. */
export const auditPathSchema = z.object({ workflowId: idSchema(400) });

/** What starting an audit answers. */
export const auditStartedSchema = z.object({
  workflowId: z.string().meta({ description: 'The audit (read it at /campaigns/audits/{workflowId})' }),
  runId: z.string(),
  domain: z.string(),
  alreadyStarted: z.boolean().meta({ description: 'True when an audit of that domain and nonce existed already: this is that audit, not a new one' }),
});

const AGENT_NAMES = ['websiteAudit', 'socialAnalysis', 'seoAnalysis', 'reportWriter', 'contentBrief', 'contentWriter', 'contentEditor', 'seoKeywords', 'seoRecommendations'] as const;

const agentUsageSchema = z.object({
  agent: z.enum(AGENT_NAMES),
  model: z.string(),
  promptTokens: z.number(),
  completionTokens: z.number(),
  latencyMs: z.number(),
  costUsd: z.number(),
  attempts: z.number().int().meta({ description: '2 when the answer was valid only on the repair retry' }),
});

const agentProgressSchema = z.object({
  step: z.string().meta({ description: 'The step running now, or done/failed' }),
  agents: z.partialRecord(z.enum(AGENT_NAMES), z.enum(['pending', 'running', 'done', 'failed'])),
  usage: z.array(agentUsageSchema),
});

const reportSectionSchema = z.object({
  title: z.string(),
  score: z.number().nullable(),
  summary: z.string(),
  findings: z.array(z.string()),
  recommendations: z.array(z.string()),
});

/** The audit's report: its JSON and its Markdown. */
const reportResultSchema = z.object({
  reportId: z.string(),
  json: z.object({
    reportId: z.string(),
    kind: z.enum(['audit', 'seo', 'report']),
    domain: z.string(),
    headline: z.string(),
    summary: z.string(),
    score: z.number().nullable().meta({ description: 'The mean of the scored sections' }),
    sections: z.array(reportSectionSchema),
    agents: z.array(agentUsageSchema),
  }),
  markdown: z.string().meta({ description: 'The report as Markdown' }),
});

/** An audit as its route reads it: status, progress while running, the report once completed, why it failed otherwise. */
export const auditRunSchema = runViewSchema({ progress: agentProgressSchema, result: reportResultSchema });

// The answers' schemas say what the workflows return: a change to one of their types that the
// schema does not follow fails the typecheck.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const _creative: Same<z.output<typeof creativeSchema>, CreativeView> = true;
const _campaign: Same<z.output<typeof campaignViewSchema>, CampaignView> = true;
const _progress: Same<z.output<typeof agentProgressSchema>, AgentWorkflowProgress> = true;
const _report: Same<z.output<typeof reportResultSchema>, AgentReportResult> = true;
