import type { CampaignsSampleResult } from '@fleet/campaigns-contracts';
import { runViewSchema } from '@fleet/shared-http';
import { z } from 'zod';

/** The campaigns API's answers, in zod: the OpenAPI fragment is generated from them (requests from the contracts' input schemas). */
export const sampleStartedSchema = z.object({
  workflowId: z.string(),
  runId: z.string(),
  alreadyStarted: z.boolean().meta({ description: 'True when the same sample was already running: this is that run' }),
});

export const sampleResultSchema = z.object({
  sampleId: z.string(),
  length: z.number().int().min(0),
  recorded: z.boolean(),
  recordedAt: z.string().meta({ format: 'date-time' }),
});

export const sampleRunSchema = runViewSchema({ result: sampleResultSchema });

// The answer's schema says what the workflow returns: a change to its type that the schema does not follow fails the typecheck.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const _result: Same<z.output<typeof sampleResultSchema>, CampaignsSampleResult> = true;
