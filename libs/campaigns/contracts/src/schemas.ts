import { idSchema, textSchema } from '@fleet/shared-domain';
import { z } from 'zod';

/** Input schemas of the campaigns workflows: the API, schedules as code and the workflows validate with these. */
export const campaignsSampleInputSchema = z
  .object({
    sampleId: idSchema(64),
    text: textSchema(1000),
  })
  .strict();
