import { LICENSE_TIME_ZONE, licenseDeactivationInputSchema, type DeactivationProgress, type LicenseDeactivationSummary, type LicenseRenewalResult } from '@fleet/license-contracts';
import { runViewSchema } from '@fleet/shared-http';
import { z } from 'zod';

/**
 * The license API's bodies and answers, in zod: the routes validate with them and the OpenAPI
 * fragment is generated from them (requests from the contracts' own input schemas).
 */

/** What a caller may set when starting a deactivation batch by hand (dryRun is required: no accidental live run). */
export const startDeactivationBody = licenseDeactivationInputSchema
  .pick({ batchDate: true, batchSize: true, gracePeriodDays: true })
  .extend({ dryRun: z.boolean({ message: 'expected true or false' }) })
  .strict()
  .meta({ description: `A batch started by hand; batchDate defaults to today in ${LICENSE_TIME_ZONE}` });

const day = z.string().meta({ format: 'date', description: 'A calendar day, YYYY-MM-DD' });
const instant = z.string().meta({ format: 'date-time' });
const count = z.number().int().min(0);

export const deactivationStartedSchema = z.object({ workflowId: z.string(), runId: z.string(), batchDate: day, dryRun: z.boolean() });

export const renewalStartedSchema = z.object({
  workflowId: z.string(),
  runId: z.string(),
  alreadyStarted: z.boolean().meta({ description: 'True when the same renewal was already running: this is that run' }),
});

const totals = {
  expiredLicenses: count,
  agentsDeactivated: count,
  portalAccessDisabled: count,
  commissionsStopped: count,
  notificationsQueued: count,
  failures: count,
  failedPages: count,
  pages: count,
};
const summaryFields = {
  ...totals,
  batchId: z.string(),
  batchDate: day,
  cutoffDate: day,
  dryRun: z.boolean(),
  batchSize: z.number().int(),
  sampleAgentIds: z.array(z.string()),
  wouldDeactivate: count.optional(),
  executions: z.number().int().min(1),
  startedAt: instant,
};

export const deactivationSummarySchema = z.object({ ...summaryFields, finishedAt: instant, durationMs: z.number().min(0) });
export const deactivationProgressSchema = z.object({ ...summaryFields, state: z.enum(['RUNNING', 'COMPLETED']), cursor: z.string().nullable() });
export const renewalResultSchema = z.object({
  licenseId: z.string(),
  agentId: z.string(),
  renewalDate: day,
  renewed: z.boolean(),
  reinstated: z.boolean(),
  restoredStatus: z.string().optional(),
  portalAccessRestored: z.boolean(),
  commissionRestored: z.boolean(),
});

export const deactivationRunSchema = runViewSchema({ progress: deactivationProgressSchema, result: deactivationSummarySchema });
export const renewalRunSchema = runViewSchema({ result: renewalResultSchema });

// The answers' schemas say what the workflows return: a change to one of their types that the
// schema does not follow fails the typecheck.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const _summary: Same<z.output<typeof deactivationSummarySchema>, LicenseDeactivationSummary> = true;
const _progress: Same<z.output<typeof deactivationProgressSchema>, DeactivationProgress> = true;
const _renewal: Same<z.output<typeof renewalResultSchema>, LicenseRenewalResult> = true;
