import { WorkflowNotFoundError } from '@temporalio/client';
import { status } from '@grpc/grpc-js';
import { grpcCode } from '@fleet/shared-temporal';

/** gRPC codes that mean Temporal could not be reached or did not answer in time. */
const UNREACHABLE = new Set<number>([status.UNAVAILABLE, status.DEADLINE_EXCEEDED, status.CANCELLED]);


export function isTemporalUnreachable(err: unknown): boolean {
  const code = grpcCode(err);
  return code !== undefined && UNREACHABLE.has(code);
}

export function isNotFound(err: unknown): boolean {
  return err instanceof WorkflowNotFoundError || grpcCode(err) === status.NOT_FOUND;
}
