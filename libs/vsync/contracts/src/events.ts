import { defineEvent } from '@fleet/shared-event-contracts';
import type { IsoDate } from '@fleet/shared-domain';
import type { KeyType } from './key-types';
import type { AppliedCounts, DivergenceCounts, ReconciliationOutcome } from './vsync-reconciliation';
import type { VerificationResult } from './vsync-verification';

/** The vsync domain's events, published to `persistent://fleet/vsync/<topic>`. */
export const vsyncEvents = {
  /** One per verification run, keyed by day. */
  verificationSummary: defineEvent<{ day: IsoDate; results: Record<string, VerificationResult>; reconciliationsStarted: string[] }>()({
    type: 'fleet.vsync.verification-summary',
    domain: 'vsync',
    topic: 'verification-summary',
    schemaVersion: 1,
  }),
  /** Something a person should know: approval needed, approval expired, a file that never came. */
  reconciliationNotification: defineEvent<{ reconciliationId: string; keyType: KeyType; kind: string; divergences: DivergenceCounts | null }>()({
    type: 'fleet.vsync.reconciliation-notification',
    domain: 'vsync',
    topic: 'reconciliation-notification',
    schemaVersion: 1,
  }),
  reconciliationCompleted: defineEvent<{
    reconciliationId: string;
    keyType: KeyType;
    outcome: ReconciliationOutcome;
    path: 'events' | 'file' | null;
    divergences: DivergenceCounts | null;
    applied: AppliedCounts;
    finalVerification: VerificationResult | null;
  }>()({
    type: 'fleet.vsync.reconciliation-completed',
    domain: 'vsync',
    topic: 'reconciliation-completed',
    schemaVersion: 1,
  }),
};
