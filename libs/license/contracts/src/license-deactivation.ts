import { defineQuery } from '@temporalio/workflow';
import type { IsoDate } from '@fleet/shared-domain';

export interface LicenseDeactivationInput {
  /** Licenses renewed before this day (less the grace period) are expired. Default: today in Asia/Kolkata. */
  batchDate?: IsoDate;
  /** Count what would change and sample the agents; write nothing but the audit record. */
  dryRun?: boolean;
  /** Agents per page (one page per activity call). Default 2000. */
  batchSize?: number;
  /** Days a license may be overdue before it counts as expired. Default 0. */
  gracePeriodDays?: number;
  /** Pages per execution before continuing as new (Temporal may suggest it sooner). Default 300 (about 3,500 events). */
  maxPagesPerRun?: number;
  /** Pages applied at once; pages are disjoint key ranges. Default 2. */
  pageConcurrency?: number;
  /** Start-to-close timeout of one page, in seconds. Default 120. */
  pageTimeoutSeconds?: number;
  /** Set by the workflow itself when it continues as new; never by callers. */
  continuation?: DeactivationContinuation;
}

/** Counts summed over every page of a batch. */
export interface DeactivationTotals {
  expiredLicenses: number;
  agentsDeactivated: number;
  portalAccessDisabled: number;
  commissionsStopped: number;
  notificationsQueued: number;
  /** Agents in pages that failed; they stay active and the next run picks them up. */
  failures: number;
  failedPages: number;
  pages: number;
}

/** What one execution hands to the next when it continues as new: a cursor and running totals. */
export interface DeactivationContinuation {
  batchId: string;
  startedAt: string;
  cursor: string | null;
  nextPageNo: number;
  executions: number;
  totals: DeactivationTotals;
}

export interface LicenseDeactivationSummary extends DeactivationTotals {
  batchId: string;
  batchDate: IsoDate;
  /** Licenses with a renewal date before this day are expired (batch date less the grace period). */
  cutoffDate: IsoDate;
  dryRun: boolean;
  batchSize: number;
  /** Dry run only: up to 20 agents that would be deactivated. */
  sampleAgentIds: string[];
  /** Dry run only: agents that would be deactivated. */
  wouldDeactivate?: number;
  /** Executions of the workflow (1 + continue-as-new count). */
  executions: number;
  startedAt: string;
  finishedAt: string;
  durationMs: number;
}

export type DeactivationProgress = Omit<LicenseDeactivationSummary, 'finishedAt' | 'durationMs'> & {
  state: 'RUNNING' | 'COMPLETED';
  cursor: string | null;
};

/** Live counts of a running (or finished) deactivation batch. */
export const deactivationProgressQuery = defineQuery<DeactivationProgress>('licenseDeactivationProgress');

export const DEACTIVATION_DEFAULTS = {
  batchSize: 2000,
  gracePeriodDays: 0,
  maxPagesPerRun: 300,
  pageConcurrency: 2,
  pageTimeoutSeconds: 120,
  dryRunSampleSize: 20,
} as const;

export const DEACTIVATION_LIMITS = {
  batchSize: { min: 1, max: 10_000 },
  gracePeriodDays: { min: 0, max: 365 },
  maxPagesPerRun: { min: 1, max: 10_000 },
  pageConcurrency: { min: 1, max: 16 },
  pageTimeoutSeconds: { min: 1, max: 3600 },
} as const;

/** Workflow ids of deactivation batches started by hand; scheduled runs use the declaration's id. */
export function manualDeactivationWorkflowId(batchDate: IsoDate, dryRun: boolean, nonce: string): string {
  return `license-deactivation-${batchDate}-${dryRun ? 'dry-run' : 'live'}-${nonce}`;
}
