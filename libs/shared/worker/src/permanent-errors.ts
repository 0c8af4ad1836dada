import { ApplicationFailure } from '@temporalio/common';
import type { ActivityExecuteInput, ActivityInboundCallsInterceptor, Next } from '@temporalio/worker';
import { ZodError } from 'zod';
import { describeIssues } from '@fleet/shared-domain';

/**
 * SQLSTATEs no retry can fix: class 22 (data exceptions: invalid text such as a NUL byte, a date
 * out of range, a value too long) and class 23 (integrity constraints), except a unique or
 * exclusion violation, which is how two concurrent writers race and is settled by a retry.
 */
export function isPermanentSqlState(code: string): boolean {
  if (code.startsWith('22')) return true;
  return code.startsWith('23') && code !== '23505' && code !== '23P01';
}

/** The error as a non-retryable failure when no retry can fix it; undefined otherwise. */
export function permanentFailure(err: unknown): ApplicationFailure | undefined {
  if (err instanceof ApplicationFailure) return undefined; // the activity decided already
  if (err instanceof ZodError) return ApplicationFailure.create({ message: `invalid data: ${describeIssues(err)}`, type: 'InvalidInput', nonRetryable: true, cause: err });
  const code = (err as { code?: unknown } | null)?.code;
  const isPg = typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) && typeof (err as { severity?: unknown }).severity === 'string';
  if (isPg && isPermanentSqlState(code)) {
    return ApplicationFailure.create({
      message: `PostgreSQL refused the data (SQLSTATE ${code}): ${(err as Error).message}`,
      type: `PostgresError${code}`,
      nonRetryable: true,
      cause: err as Error,
    });
  }
  return undefined;
}

/** Turns every activity's permanent errors into non-retryable failures, so bad data fails its workflow at once instead of retrying for ever. */
export class PermanentErrorsInterceptor implements ActivityInboundCallsInterceptor {
  async execute(input: ActivityExecuteInput, next: Next<ActivityInboundCallsInterceptor, 'execute'>): Promise<unknown> {
    try {
      return await next(input);
    } catch (err) {
      throw permanentFailure(err) ?? err;
    }
  }
}
