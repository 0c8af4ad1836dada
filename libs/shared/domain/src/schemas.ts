import { z } from 'zod';
import { isIsoDate } from './dates';

/**
 * Building blocks of the domains' input schemas. Whatever a workflow stores or sends on must be
 * refused here, before it is started, rather than by PostgreSQL later (where no retry fixes it):
 * real calendar dates, bounded lengths, no NUL or other control characters.
 */
export const isoDateSchema = z
  .string()
  .max(10, 'expected a calendar date YYYY-MM-DD')
  .refine(isIsoDate, { message: 'expected a real calendar date YYYY-MM-DD' });

// A pattern, not a refinement, so the OpenAPI document (zod's JSON Schema) carries it too.
// eslint-disable-next-line no-control-regex
const NO_CONTROL = /^[^\u0000-\u001f\u007f]*$/;

/** Text of 1 to `max` characters with no control characters (NUL included). */
export function textSchema(max: number, min = 1) {
  return z
    .string()
    .min(min, min === 1 ? 'must not be empty' : `at least ${min} characters`)
    .max(max, `at most ${max} characters`)
    .regex(NO_CONTROL, 'must not contain control characters (NUL included)');
}

/** An identifier: letters, digits and `._:-`, 1 to `max` characters. */
export function idSchema(max = 64) {
  return z
    .string()
    .min(1, 'must not be empty')
    .max(max, `at most ${max} characters`)
    .regex(/^[A-Za-z0-9._:-]+$/, 'only letters, digits and . _ : - are allowed');
}

/** An integer within bounds. */
export function boundedInt(limits: { min: number; max: number }) {
  return z.number().int().min(limits.min).max(limits.max);
}
