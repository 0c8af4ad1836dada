import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { IsoDate } from '@fleet/shared-domain';
import type { KeyType } from './key-types';

export interface ReconciliationOptions {
  /** Above this many divergences a person approves or rejects before anything is applied. */
  approvalThreshold: number;
  /** How long to wait for that decision; then the reconciliation notifies and stops. */
  approvalTimeoutHours: number;
  /** Seconds between polls of a CID file (DICT allows 10 a minute; about one a minute is advised). */
  filePollIntervalSeconds: number;
  /** How long a CID file may take to be generated. */
  fileWaitHours: number;
  /** File requests per round when DICT answers ERROR or UNAVAILABLE (createCidSetFile: 40 a day). */
  fileRequestsPerRound: number;
  /** Corrections applied per transaction. */
  applyBatchSize: number;
  /** The cheap path reads at most this many pages of CID events (200 each) before using a file. */
  maxEventPages: number;
  /** Full (file) rounds before giving up as unresolved. */
  maxRounds: number;
}

export const RECONCILIATION_DEFAULTS: ReconciliationOptions = {
  approvalThreshold: 100,
  approvalTimeoutHours: 24,
  filePollIntervalSeconds: 60,
  fileWaitHours: 12,
  fileRequestsPerRound: 3,
  applyBatchSize: 500,
  maxEventPages: 50,
  maxRounds: 2,
};

export const RECONCILIATION_LIMITS: Record<keyof ReconciliationOptions, { min: number; max: number }> = {
  approvalThreshold: { min: 0, max: 100_000_000 },
  approvalTimeoutHours: { min: 0.001, max: 24 * 14 },
  filePollIntervalSeconds: { min: 1, max: 3600 },
  fileWaitHours: { min: 0.001, max: 72 },
  fileRequestsPerRound: { min: 1, max: 10 },
  applyBatchSize: { min: 1, max: 5000 },
  maxEventPages: { min: 0, max: 100 },
  maxRounds: { min: 1, max: 5 },
};

export interface ReconciliationInput {
  keyType: KeyType;
  day: IsoDate;
  /** The verification that found the divergence (its workflow id), for the log. */
  triggeredBy?: string;
  options?: Partial<ReconciliationOptions>;
  /** Carried across continue-as-new while a CID file is polled. */
  continuation?: ReconciliationContinuation;
}

export interface ReconciliationContinuation {
  round: number;
  fileId: string;
  fileRequests: number;
  pollingSince: string;
}

export type ReconciliationPhase =
  | 'starting'
  | 'reading-events'
  | 'requesting-file'
  | 'waiting-for-file'
  | 'staging-file'
  | 'diffing'
  | 'awaiting-approval'
  | 'applying'
  | 'verifying'
  | 'done';

export type ReconciliationOutcome =
  | 'completed'
  | 'unresolved'
  | 'rejected'
  | 'approval-expired'
  | 'file-timeout'
  | 'file-error'
  | 'skipped'
  /** Failed with a reason no retry could fix (bad data, DICT refusing), or after retries ran out: logged, its key type released, the workflow failed. */
  | 'failed';

export interface DivergenceCounts {
  /** CIDs only in DICT: fetched by CID and added (or corrected) locally. */
  onlyInDict: number;
  /** CIDs only local: removed locally. */
  onlyLocal: number;
}

export interface AppliedCounts {
  added: number;
  updated: number;
  removed: number;
  /** CIDs DICT no longer knew when fetched (changed meanwhile); the next verification judges. */
  vanished: number;
}

export interface ReconciliationState {
  reconciliationId: string;
  keyType: KeyType;
  phase: ReconciliationPhase;
  path: 'events' | 'file' | null;
  round: number;
  fileId: string | null;
  fileStatus: string | null;
  divergences: DivergenceCounts | null;
  applied: AppliedCounts;
  approval: { required: boolean; decision: 'approved' | 'rejected' | 'expired' | null; by: string | null };
  outcome: ReconciliationOutcome | null;
}

export interface ReconciliationResult extends ReconciliationState {
  outcome: ReconciliationOutcome;
  finalVerification: 'OK' | 'NOK' | null;
  startedAt: string;
  finishedAt: string;
}

export interface ApprovalDecision {
  approve: boolean;
  /** Who decided (kept in the log). */
  by: string;
  reason?: string;
}

export const reconciliationStateQuery = defineQuery<ReconciliationState>('vsyncReconciliationState');
/** Approve or reject a reconciliation waiting for a decision; refused in any other phase. */
export const decideReconciliationUpdate = defineUpdate<ReconciliationState, [ApprovalDecision]>('vsyncDecideReconciliation');

/** One reconciliation per key type and day: a second verification that day finds it instead of starting another. */
export function reconciliationWorkflowId(keyType: KeyType, day: IsoDate): string {
  return `vsync-reconciliation-${keyType}-${day}`;
}
