import type { BridgeOperation } from '@fleet/vsync-dict-bridge';
import { BRIDGE_OPERATIONS } from './faults';

export interface SimStats {
  since: string;
  /** Every call received, per operation (refused and failed ones included). */
  calls: Record<BridgeOperation, number>;
  /** Refused with RESOURCE_EXHAUSTED because the policy's bucket was empty. */
  refusedByRateLimit: Record<BridgeOperation, number>;
  /** Answered UNAVAILABLE by fault injection. */
  injectedUnavailable: Record<BridgeOperation, number>;
  /** Answered with the operation's own error (NOT_FOUND, INVALID_ARGUMENT, ALREADY_EXISTS...). */
  errors: Record<BridgeOperation, number>;
  verifications: { OK: number; NOK: number };
  files: { requested: number; available: number; error: number; unavailable: number };
  downloads: { served: number; corrupted: number; truncated: number; notFound: number };
}

const perOperation = (): Record<BridgeOperation, number> => Object.fromEntries(BRIDGE_OPERATIONS.map((op) => [op, 0])) as Record<BridgeOperation, number>;

export function emptyStats(): SimStats {
  return {
    since: new Date().toISOString(),
    calls: perOperation(),
    refusedByRateLimit: perOperation(),
    injectedUnavailable: perOperation(),
    errors: perOperation(),
    verifications: { OK: 0, NOK: 0 },
    files: { requested: 0, available: 0, error: 0, unavailable: 0 },
    downloads: { served: 0, corrupted: 0, truncated: 0, notFound: 0 },
  };
}
