import { runViewSchema } from '@fleet/shared-http';
import {
  VSYNC_KEY_TYPES,
  approvalDecisionSchema,
  type KeyTypeVerification,
  type ReconciliationResult,
  type ReconciliationState,
  type VsyncVerificationSummary,
} from '@fleet/vsync-contracts';
import { z } from 'zod';

/**
 * The vsync API's bodies and answers, in zod: the routes validate with them and the OpenAPI
 * fragment is generated from them (requests from the contracts' own input schemas).
 */

/** Who decides and why; approve or reject is the route. */
export const decisionBody = approvalDecisionSchema.omit({ approve: true });

/** `?limit=`: how many of the most recent runs, newest first. */
export const listQuery = z.object({
  limit: z.coerce
    .number({ message: 'expected a number' })
    .int('expected an integer')
    .min(1)
    .max(100)
    .default(20)
    .meta({ description: 'How many of the most recent runs (newest first)' }),
});

const day = z.string().meta({ format: 'date', description: 'A calendar day, YYYY-MM-DD' });
const instant = z.string().meta({ format: 'date-time' });
const keyType = z.enum(VSYNC_KEY_TYPES);
const count = z.number().int().min(0);

export const verificationStartedSchema = z.object({ workflowId: z.string(), runId: z.string(), day });

const keyTypeVerificationSchema = z.object({
  keyType,
  result: z.enum(['OK', 'NOK']),
  vsync: z.string(),
  entries: count,
  dictVerificationId: z.string(),
  verifiedAt: instant,
});

export const verificationProgressSchema = z.object({ verified: z.array(keyTypeVerificationSchema), pending: z.array(keyType) });

export const verificationSummarySchema = z.object({
  day,
  verifications: z.array(keyTypeVerificationSchema),
  reconciliations: z.array(z.object({ keyType, workflowId: z.string(), started: z.boolean(), note: z.string().optional() })),
  startedAt: instant,
  finishedAt: instant,
});

const outcome = z.enum(['completed', 'unresolved', 'rejected', 'approval-expired', 'file-timeout', 'file-error', 'skipped', 'failed']);
const stateFields = {
  reconciliationId: z.string(),
  keyType,
  phase: z.enum(['starting', 'reading-events', 'requesting-file', 'waiting-for-file', 'staging-file', 'diffing', 'awaiting-approval', 'applying', 'verifying', 'done']),
  path: z.enum(['events', 'file']).nullable(),
  round: z.number().int(),
  fileId: z.string().nullable(),
  fileStatus: z.string().nullable(),
  divergences: z.object({ onlyInDict: count, onlyLocal: count }).nullable(),
  applied: z.object({ added: count, updated: count, removed: count, vanished: count }),
  approval: z.object({ required: z.boolean(), decision: z.enum(['approved', 'rejected', 'expired']).nullable(), by: z.string().nullable() }),
};
export const reconciliationStateSchema = z.object({ ...stateFields, outcome: outcome.nullable() });
export const reconciliationResultSchema = z.object({
  ...stateFields,
  outcome,
  finalVerification: z.enum(['OK', 'NOK']).nullable(),
  startedAt: instant,
  finishedAt: instant,
});

export const verificationRunSchema = runViewSchema({ progress: verificationProgressSchema, result: verificationSummarySchema });
export const reconciliationRunSchema = runViewSchema({ progress: reconciliationStateSchema, result: reconciliationResultSchema });
export const verificationListSchema = z.object({ verifications: z.array(verificationRunSchema) });
export const reconciliationListSchema = z.object({ reconciliations: z.array(reconciliationRunSchema) });
export const decidedSchema = z.object({ workflowId: z.string(), decision: z.enum(['approved', 'rejected']), state: reconciliationStateSchema });

// The answers' schemas say what the workflows return: a change to one of their types that the
// schema does not follow fails the typecheck.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const _verification: Same<z.output<typeof keyTypeVerificationSchema>, KeyTypeVerification> = true;
const _summary: Same<z.output<typeof verificationSummarySchema>, VsyncVerificationSummary> = true;
const _state: Same<z.output<typeof reconciliationStateSchema>, ReconciliationState> = true;
const _result: Same<z.output<typeof reconciliationResultSchema>, ReconciliationResult> = true;
