import { isoDateSchema, textSchema } from '@fleet/shared-domain';
import { z } from 'zod';
import { VSYNC_KEY_TYPES } from './key-types';
import { RECONCILIATION_LIMITS } from './vsync-reconciliation';

const keyType = z.enum(VSYNC_KEY_TYPES);

const reconciliationOptions = z
  .object(
    Object.fromEntries(Object.entries(RECONCILIATION_LIMITS).map(([name, l]) => [name, z.number().min(l.min).max(l.max).optional()])) as Record<
      keyof typeof RECONCILIATION_LIMITS,
      z.ZodOptional<z.ZodNumber>
    >,
  )
  .strict();

/** Input schemas of the vsync workflows: the API, schedules as code and the workflows validate with these. */
export const vsyncVerificationInputSchema = z
  .object({
    day: isoDateSchema.optional(),
    keyTypes: z.array(keyType).min(1).max(5).optional(),
    reconcile: z.boolean().optional(),
    reconciliation: reconciliationOptions.optional(),
  })
  .strict();

export const vsyncReconciliationInputSchema = z
  .object({ keyType, day: isoDateSchema, triggeredBy: textSchema(200).optional(), options: reconciliationOptions.optional() })
  .strict();

export const approvalDecisionSchema = z.object({ approve: z.boolean(), by: textSchema(200), reason: textSchema(1000).optional() }).strict();
