import { z } from 'zod';
import { VSYNC_KEY_TYPES } from './constants';
import { RECONCILIATION_LIMITS } from './reconciliation';

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a calendar date YYYY-MM-DD');
const keyType = z.enum(VSYNC_KEY_TYPES);

const reconciliationOptions = z
  .object(
    Object.fromEntries(Object.entries(RECONCILIATION_LIMITS).map(([name, l]) => [name, z.number().min(l.min).max(l.max).optional()])) as Record<
      keyof typeof RECONCILIATION_LIMITS,
      z.ZodOptional<z.ZodNumber>
    >,
  )
  .strict();

export const vsyncVerificationInputSchema = z
  .object({
    day: isoDate.optional(),
    keyTypes: z.array(keyType).min(1).max(5).optional(),
    reconcile: z.boolean().optional(),
    reconciliation: reconciliationOptions.optional(),
  })
  .strict();

export const reconciliationInputSchema = z
  .object({ keyType, day: isoDate, triggeredBy: z.string().max(200).optional(), options: reconciliationOptions.optional() })
  .strict();

export const approvalDecisionSchema = z.object({ approve: z.boolean(), by: z.string().min(1).max(200), reason: z.string().max(1000).optional() }).strict();

/** Input schema per workflow type: schedules as code validate each `input` against these. */
export const vsyncWorkflowInputSchemas = {
  vsyncVerificationWorkflow: vsyncVerificationInputSchema,
  reconciliationWorkflow: reconciliationInputSchema,
};
