import type { DictBridgeService } from './gen/fleet/dict/bridge/v1/bridge_pb';
import { TokenBucket } from '@fleet/shared-limits';
import { z } from 'zod';

export type BridgeOperation = keyof (typeof DictBridgeService)['method'];

export interface RateLimit {
  /** Tokens added per minute. */
  refillPerMinute: number;
  /** Bucket size: the burst allowed. */
  capacity: number;
}

/** DICT's rate-limit policies (API spec, "Limites de requisições"; manual section 14). */
export const DICT_RATE_LIMITS = {
  SYNC_VERIFICATIONS_WRITE: { refillPerMinute: 10, capacity: 50 },
  CIDS_FILES_WRITE: { refillPerMinute: 40 / (24 * 60), capacity: 200 },
  CIDS_FILES_READ: { refillPerMinute: 10, capacity: 50 },
  // The spec says 20/min, the manual 40/min: the lower one is kept.
  CIDS_EVENTS_LIST: { refillPerMinute: 20, capacity: 100 },
  CIDS_ENTRIES_READ: { refillPerMinute: 1200, capacity: 36_000 },
  ENTRIES_WRITE: { refillPerMinute: 1200, capacity: 36_000 },
  ENTRIES_UPDATE: { refillPerMinute: 600, capacity: 600 },
} satisfies Record<string, RateLimit>;

export type RatePolicy = keyof typeof DICT_RATE_LIMITS;

/** Overrides of DICT's limits as configuration gives them (JSON): `{"CIDS_FILES_READ":{"refillPerMinute":5,"capacity":25}}`. */
export const rateLimitsSchema = z.partialRecord(
  z.enum(Object.keys(DICT_RATE_LIMITS) as [RatePolicy, ...RatePolicy[]]),
  z.strictObject({ refillPerMinute: z.number().positive(), capacity: z.number().int().positive() }),
);

/** Which policy's bucket each operation draws from (createEntry and deleteEntry share one). */
export const POLICY_OF: Record<BridgeOperation, RatePolicy> = {
  createSyncVerification: 'SYNC_VERIFICATIONS_WRITE',
  createCidSetFile: 'CIDS_FILES_WRITE',
  getCidSetFile: 'CIDS_FILES_READ',
  listCidSetEvents: 'CIDS_EVENTS_LIST',
  getEntryByCid: 'CIDS_ENTRIES_READ',
  createEntry: 'ENTRIES_WRITE',
  deleteEntry: 'ENTRIES_WRITE',
  updateEntry: 'ENTRIES_UPDATE',
};

/** One bucket per policy, with DICT's limits unless some are overridden (tests, a negotiated quota). */
export function createBuckets(overrides: Partial<Record<RatePolicy, RateLimit>> = {}, now?: () => number): Record<RatePolicy, TokenBucket> {
  const limits = { ...DICT_RATE_LIMITS, ...overrides };
  return Object.fromEntries(
    Object.entries(limits).map(([policy, limit]) => [policy, new TokenBucket(limit.capacity, limit.refillPerMinute, now)]),
  ) as Record<RatePolicy, TokenBucket>;
}
