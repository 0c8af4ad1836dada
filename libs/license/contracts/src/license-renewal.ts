import type { IsoDate } from '@fleet/shared-domain';

export interface LicenseRenewalInput {
  licenseId: string;
  /** The license's new renewal date. */
  renewalDate: IsoDate;
  /** The day the renewal is judged on (is any other license still expired?). Default: today in Asia/Kolkata. */
  asOfDate?: IsoDate;
}

export interface LicenseRenewalResult {
  licenseId: string;
  agentId: string;
  renewalDate: IsoDate;
  /** False when the license already had this renewal date or a later one. */
  renewed: boolean;
  /** True when the agent was deactivated for an expired license and is now restored. */
  reinstated: boolean;
  restoredStatus?: string;
  portalAccessRestored: boolean;
  commissionRestored: boolean;
}

/** One renewal per license and renewal date: repeating the request starts nothing new. */
export function licenseRenewalWorkflowId(licenseId: string, renewalDate: IsoDate): string {
  return `license-renewal-${licenseId}-${renewalDate}`;
}
