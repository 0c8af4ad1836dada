import { proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { LicenseActivities, LicenseRenewalInput, LicenseRenewalResult } from '@fleet/license-contracts';
import { dayOrToday } from './input';

const { renewLicense } = proxyActivities<LicenseActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds' },
});

/** Renews a license and reinstates its agent when that was the last expired license. */
export async function licenseRenewalWorkflow(input: LicenseRenewalInput): Promise<LicenseRenewalResult> {
  const renewalDate = dayOrToday('renewalDate', input.renewalDate);
  const asOfDate = dayOrToday('asOfDate', input.asOfDate);
  return renewLicense({ licenseId: input.licenseId, renewalDate, asOfDate, requestId: workflowInfo().workflowId });
}
