import { proxyActivities, workflowInfo } from '@temporalio/workflow';
import { dayInTimeZone, parseInput } from '@fleet/shared-domain';
import { LICENSE_TIME_ZONE, licenseDomain, type LicenseActivities, type LicenseRenewalInput, type LicenseRenewalResult } from '@fleet/license-contracts';

// A renewal asked for through the API: a database outage is retried (1 s backing off to 30 s) for
// up to an hour, then the workflow fails with the reason and the same request may be made again (a
// failed run's id can be reused). An unknown license (LicenseNotFound) and bad data (PostgreSQL data
// errors, validation, made non-retryable by the worker) fail the first attempt.
const { renewLicense } = proxyActivities<LicenseActivities>({
  startToCloseTimeout: '1 minute',
  scheduleToCloseTimeout: '1 hour',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds', nonRetryableErrorTypes: ['LicenseNotFound'] },
});

/** Renews a license and reinstates its agent when that was the last expired license. */
export async function licenseRenewalWorkflow(input: LicenseRenewalInput): Promise<LicenseRenewalResult> {
  const { renewal } = licenseDomain.workflows;
  const { licenseId, renewalDate, asOfDate } = parseInput(renewal.type, renewal.input, input);
  return renewLicense({ licenseId, renewalDate, asOfDate: asOfDate ?? dayInTimeZone(new Date(), LICENSE_TIME_ZONE), requestId: workflowInfo().workflowId });
}
