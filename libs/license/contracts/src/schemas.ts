import { z } from 'zod';
import { isIsoDate } from './dates';
import { DEACTIVATION_LIMITS } from './deactivation';

/** Input schemas of the license workflows: the gateway and schedules validate against these. */
export const isoDateSchema = z.string().refine(isIsoDate, { message: 'expected a calendar date YYYY-MM-DD' });

const bounded = (limits: { min: number; max: number }) => z.number().int().min(limits.min).max(limits.max);

export const licenseDeactivationInputSchema = z
  .object({
    batchDate: isoDateSchema.optional(),
    dryRun: z.boolean().optional(),
    batchSize: bounded(DEACTIVATION_LIMITS.batchSize).optional(),
    gracePeriodDays: bounded(DEACTIVATION_LIMITS.gracePeriodDays).optional(),
    maxPagesPerRun: bounded(DEACTIVATION_LIMITS.maxPagesPerRun).optional(),
    pageConcurrency: bounded(DEACTIVATION_LIMITS.pageConcurrency).optional(),
    pageTimeoutSeconds: bounded(DEACTIVATION_LIMITS.pageTimeoutSeconds).optional(),
  })
  .strict();

export const renewalRemindersInputSchema = z
  .object({
    runDate: isoDateSchema.optional(),
    offsetsDays: z.array(z.number().int().min(0).max(365)).min(1).max(10).optional(),
    batchSize: z.number().int().min(1).max(10_000).optional(),
  })
  .strict();

export const licenseRenewalInputSchema = z
  .object({
    licenseId: z.string().min(1).max(64),
    renewalDate: isoDateSchema,
    asOfDate: isoDateSchema.optional(),
  })
  .strict();

/** Input schema per workflow type: schedules as code validate each `input` against these. */
export const licenseWorkflowInputSchemas = {
  licenseDeactivationWorkflow: licenseDeactivationInputSchema,
  licenseRenewalRemindersWorkflow: renewalRemindersInputSchema,
  licenseRenewalWorkflow: licenseRenewalInputSchema,
};
