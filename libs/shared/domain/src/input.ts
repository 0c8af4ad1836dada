import { ApplicationFailure } from '@temporalio/common';
import type { z } from 'zod';

/** The error type of a workflow failed for its input: never retried. */
export const INVALID_INPUT = 'InvalidInput';

/** `field: reason; field: reason` of a zod error, naming each field by its path. */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => {
      const field = issue.path.map(String).join('.') || '(input)';
      return issue.code === 'unrecognized_keys' ? `${field === '(input)' ? '' : `${field}.`}${issue.keys.join(', ')}: unknown field` : `${field}: ${issue.message}`;
    })
    .join('; ');
}

/**
 * The workflow's input parsed by its schema, or a non-retryable failure naming every bad field:
 * input that no retry can fix ends the workflow at once. Deterministic: usable in workflow code.
 */
export function parseInput<S extends z.ZodType>(workflowType: string, schema: S, input: unknown): z.output<S> {
  const parsed = schema.safeParse(input ?? {});
  if (parsed.success) return parsed.data;
  throw ApplicationFailure.create({ message: `invalid input of ${workflowType}: ${describeIssues(parsed.error)}`, type: INVALID_INPUT, nonRetryable: true });
}
