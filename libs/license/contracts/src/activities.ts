import type { IsoDate } from '@fleet/shared-domain';
import type { LicenseDeactivationSummary } from './license-deactivation';
import type { LicenseRenewalResult } from './license-renewal';

export interface ExpiredPage {
  /** Agents found in the page (at most the page size). */
  agentCount: number;
  /** The last agent id of the page: the page is the key range (after, upTo]. */
  upTo: string;
}

export interface DeactivatePageInput {
  batchId: string;
  pageNo: number;
  batchDate: IsoDate;
  cutoffDate: IsoDate;
  /** Exclusive lower bound of the page's agent ids; null for the first page. */
  after: string | null;
  /** Inclusive upper bound of the page's agent ids. */
  upTo: string;
}

export interface DeactivatePageResult {
  expiredLicenses: number;
  agentsDeactivated: number;
  portalAccessDisabled: number;
  commissionsStopped: number;
  notificationsQueued: number;
}

export interface ExpiryPreview {
  expiredLicenses: number;
  agents: number;
  sampleAgentIds: string[];
}

export interface BatchStart {
  batchId: string;
  operation: 'LICENSE_DEACTIVATION';
  batchDate: IsoDate;
  dryRun: boolean;
  startedAt: string;
}

export interface PageFailure {
  batchId: string;
  pageNo: number;
  after: string | null;
  upTo: string;
  agentCount: number;
  error: string;
}

export interface ReminderCursor {
  renewalDate: IsoDate;
  licenseId: string;
}

export interface QueueRemindersPageInput {
  runDate: IsoDate;
  offsetsDays: number[];
  after: ReminderCursor | null;
  limit: number;
}

export interface QueueRemindersPageResult {
  scanned: number;
  queued: number;
  last: ReminderCursor | null;
}

export interface RenewLicenseInput {
  licenseId: string;
  renewalDate: IsoDate;
  asOfDate: IsoDate;
  /** Ties the audit record and notification to the request (the workflow id). */
  requestId: string;
}

/** The license worker's activities; workflows see this interface only (`import type`). */
export interface LicenseActivities {
  startBatch(input: BatchStart): Promise<void>;
  previewExpired(input: { cutoffDate: IsoDate; sampleSize: number }): Promise<ExpiryPreview>;
  findExpiredPage(input: { cutoffDate: IsoDate; after: string | null; limit: number }): Promise<ExpiredPage | null>;
  deactivatePage(input: DeactivatePageInput): Promise<DeactivatePageResult>;
  recordPageFailure(input: PageFailure): Promise<void>;
  finishBatch(summary: LicenseDeactivationSummary): Promise<void>;
  queueRemindersPage(input: QueueRemindersPageInput): Promise<QueueRemindersPageResult>;
  renewLicense(input: RenewLicenseInput): Promise<LicenseRenewalResult>;
}
