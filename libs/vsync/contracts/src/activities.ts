import type { IsoDate } from '@fleet/shared-domain';
import type { KeyType } from './key-types';
import type { AppliedCounts, DivergenceCounts, ReconciliationResult } from './vsync-reconciliation';
import type { KeyTypeVerification, VsyncVerificationSummary } from './vsync-verification';

export interface CidFileStatus {
  fileId: string;
  status: 'REQUESTED' | 'PROCESSING' | 'AVAILABLE' | 'UNAVAILABLE' | 'ERROR';
  url?: string;
  bytes?: number;
  sha256?: string;
}

export interface ReconciliationClaim {
  /** False when another reconciliation of the key type is under way: this one stops. */
  claimed: boolean;
  activeId?: string;
  /** When DICT last answered OK for the key type: where the cheap path starts reading events. */
  lastOkAt: string | null;
}

export interface EventDivergences {
  /** False when the events since the last OK were too many to read: use a CID file. */
  enough: boolean;
  events: number;
  pages: number;
  divergences: DivergenceCounts;
}

export interface VsyncRecalculation {
  keyType: KeyType;
  incremental: string;
  full: string;
  agree: boolean;
  entries: number;
  /** Entries whose stored CID is not the HMAC of their attributes (changed without their CID). */
  corruptEntries: number;
  millis: number;
}

/** The vsync worker's activities; workflows see this interface only (`import type`). */
export interface VsyncActivities {
  /** Sends the local VSync (kept incrementally: no scan) to DICT and logs the answer. */
  verifyKeyType(input: { keyType: KeyType; requestedBy: string }): Promise<KeyTypeVerification>;
  /** Logs the day's run and publishes its summary event, once. */
  finishVerificationRun(summary: VsyncVerificationSummary & { runId: string }): Promise<void>;
  beginReconciliation(input: { reconciliationId: string; keyType: KeyType; day: IsoDate; triggeredBy?: string }): Promise<ReconciliationClaim>;
  /** The cheap path: CID events since the last OK, turned into divergences. */
  collectEventDivergences(input: { reconciliationId: string; keyType: KeyType; since: string; maxPages: number }): Promise<EventDivergences>;
  requestCidFile(input: { reconciliationId: string; keyType: KeyType }): Promise<CidFileStatus>;
  getCidFile(input: { fileId: string }): Promise<CidFileStatus>;
  /** Streams the file into the staging table, checking its size and SHA-256. Returns the CIDs staged. */
  stageCidFile(input: { reconciliationId: string; keyType: KeyType; url: string; bytes: number; sha256: string }): Promise<{ cids: number }>;
  /** Diffs the staged file against the local base in SQL, recording each divergence. */
  diffStagedFile(input: { reconciliationId: string; keyType: KeyType }): Promise<DivergenceCounts>;
  /** Applies the recorded corrections in idempotent batches (only-in-DICT first, then only-local). */
  applyCorrections(input: { reconciliationId: string; keyType: KeyType; batchSize: number }): Promise<AppliedCounts>;
  /** Full recalculation (audit) against the incremental VSync. */
  recalculateVsync(input: { keyType: KeyType }): Promise<VsyncRecalculation>;
  /** Records a phase change (and a notification event when there is something to say). */
  noteReconciliation(input: { reconciliationId: string; keyType: KeyType; phase: string; notify?: string; divergences?: DivergenceCounts }): Promise<void>;
  /** Logs the result, publishes the notification and the completion event, clears the staging rows. */
  finishReconciliation(result: ReconciliationResult): Promise<void>;
}
