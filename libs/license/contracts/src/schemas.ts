import { boundedInt, idSchema, isoDateSchema } from '@fleet/shared-domain';
import { z } from 'zod';
import { DEACTIVATION_LIMITS } from './license-deactivation';

/** Input schemas of the license workflows: the API, schedules as code and the workflows validate with these. */
export const licenseDeactivationInputSchema = z
  .object({
    batchDate: isoDateSchema.optional(),
    dryRun: z.boolean().optional(),
    batchSize: boundedInt(DEACTIVATION_LIMITS.batchSize).optional(),
    gracePeriodDays: boundedInt(DEACTIVATION_LIMITS.gracePeriodDays).optional(),
    maxPagesPerRun: boundedInt(DEACTIVATION_LIMITS.maxPagesPerRun).optional(),
    pageConcurrency: boundedInt(DEACTIVATION_LIMITS.pageConcurrency).optional(),
    pageTimeoutSeconds: boundedInt(DEACTIVATION_LIMITS.pageTimeoutSeconds).optional(),
  })
  .strict();

export const licenseRenewalRemindersInputSchema = z
  .object({
    runDate: isoDateSchema.optional(),
    offsetsDays: z.array(boundedInt({ min: 0, max: 365 })).min(1).max(10).optional(),
    batchSize: boundedInt({ min: 1, max: 10_000 }).optional(),
  })
  .strict();

export const licenseRenewalInputSchema = z
  .object({
    licenseId: idSchema(64),
    renewalDate: isoDateSchema,
    asOfDate: isoDateSchema.optional(),
  })
  .strict();
