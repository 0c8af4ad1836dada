import { proxyActivities, workflowInfo } from '@temporalio/workflow';
import { dayInTimeZone, parseInput } from '@fleet/shared-domain';
import { LICENSE_TIME_ZONE, licenseDomain, type LicenseActivities, type LicenseRenewalInput, type LicenseRenewalResult } from '@fleet/license-contracts';

const { renewLicense } = proxyActivities<LicenseActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds' },
});

/** Renews a license and reinstates its agent when that was the last expired license. */
export async function licenseRenewalWorkflow(input: LicenseRenewalInput): Promise<LicenseRenewalResult> {
  const { renewal } = licenseDomain.workflows;
  const { licenseId, renewalDate, asOfDate } = parseInput(renewal.type, renewal.input, input);
  return renewLicense({ licenseId, renewalDate, asOfDate: asOfDate ?? dayInTimeZone(new Date(), LICENSE_TIME_ZONE), requestId: workflowInfo().workflowId });
}
