import { WorkflowNotFoundError } from '@temporalio/client';
import { status } from '@grpc/grpc-js';

/** gRPC codes that mean Temporal could not be reached or did not answer in time. */
const UNREACHABLE = new Set<number>([status.UNAVAILABLE, status.DEADLINE_EXCEEDED, status.CANCELLED]);

function grpcCode(err: unknown): number | undefined {
  for (let e: unknown = err; e && typeof e === 'object'; e = (e as { cause?: unknown }).cause) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'number') return code;
  }
  return undefined;
}

export function isTemporalUnreachable(err: unknown): boolean {
  const code = grpcCode(err);
  return code !== undefined && UNREACHABLE.has(code);
}

export function isNotFound(err: unknown): boolean {
  return err instanceof WorkflowNotFoundError || grpcCode(err) === status.NOT_FOUND;
}
