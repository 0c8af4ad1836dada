import { status, type ServiceError } from '@grpc/grpc-js';
import { ApplicationFailure } from '@temporalio/common';

/** gRPC codes worth another attempt: the bridge or DICT may answer differently later. */
const RETRYABLE = new Set<number>([status.UNAVAILABLE, status.DEADLINE_EXCEEDED, status.RESOURCE_EXHAUSTED, status.ABORTED, status.INTERNAL, status.UNKNOWN, status.CANCELLED]);

export function isServiceError(err: unknown): err is ServiceError {
  return err instanceof Error && typeof (err as Partial<ServiceError>).code === 'number';
}

export function isNotFound(err: unknown): boolean {
  return isServiceError(err) && err.code === status.NOT_FOUND;
}

/**
 * A bridge error as an activity failure Temporal understands: transient codes are retried by the
 * activity's retry policy; a refused request (invalid argument, permission, not found...) is not.
 */
export function toActivityFailure(err: unknown, operation: string): ApplicationFailure | unknown {
  if (!isServiceError(err)) return err;
  const code = status[err.code] ?? String(err.code);
  const message = `DICT bridge ${operation}: ${code}: ${err.details || err.message}`;
  return RETRYABLE.has(err.code)
    ? ApplicationFailure.retryable(message, `DictBridge${code}`)
    : ApplicationFailure.nonRetryable(message, `DictBridge${code}`);
}
