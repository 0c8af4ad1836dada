import { defineQuery } from '@temporalio/workflow';
import type { IsoDate } from '@fleet/shared-domain';
import type { KeyType } from './key-types';
import type { ReconciliationOptions } from './vsync-reconciliation';

export interface VsyncVerificationInput {
  /** The verification's day (names the reconciliations it starts). Default: today in America/Sao_Paulo. */
  day?: IsoDate;
  /** Key types to verify. Default: all five. */
  keyTypes?: KeyType[];
  /** Start a reconciliation for each NOK. Default true. */
  reconcile?: boolean;
  /** Options handed to the reconciliations it starts. */
  reconciliation?: Partial<ReconciliationOptions>;
}

export type VerificationResult = 'OK' | 'NOK';

export interface KeyTypeVerification {
  keyType: KeyType;
  result: VerificationResult;
  /** The local VSync sent to DICT (DICT answers only OK or NOK). */
  vsync: string;
  entries: number;
  dictVerificationId: string;
  verifiedAt: string;
}

export interface VsyncVerificationSummary {
  day: IsoDate;
  verifications: KeyTypeVerification[];
  /** Per NOK key type: the reconciliation started, or found already running. */
  reconciliations: { keyType: KeyType; workflowId: string; started: boolean; note?: string }[];
  startedAt: string;
  finishedAt: string;
}

export const verificationProgressQuery = defineQuery<{ verified: KeyTypeVerification[]; pending: KeyType[] }>('vsyncVerificationProgress');

/** A verification started by hand: its day, and a random suffix so several may run. */
export function manualVerificationWorkflowId(day: IsoDate, nonce: string): string {
  return `vsync-verification-${day}-manual-${nonce}`;
}
