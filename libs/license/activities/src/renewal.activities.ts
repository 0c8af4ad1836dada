import { ApplicationFailure } from '@temporalio/common';
import { licenseEvents, type LicenseActivities } from '@fleet/license-contracts';
import { LicenseNotFoundError, findRenewalResult, recordRenewal, renewLicense } from '@fleet/license-data-access';
import type { LicenseActivityDeps } from './deps';

/** A license renewal: the license renewed, the agent reinstated when that was its last expired license. */
export function createRenewalActivities({ db, logger, outbox, metrics }: LicenseActivityDeps): Pick<LicenseActivities, 'renewLicense'> {
  return {
    /**
     * One transaction: the renewal, the reinstatement and its event, the audit record. A repeated
     * request returns the first result and changes nothing.
     */
    async renewLicense(input) {
      try {
        const result = await db.transaction().execute(async (trx) => {
          const previous = await findRenewalResult(trx, input.requestId);
          if (previous) return previous;
          const renewal = await renewLicense(trx, input);
          if (renewal.reinstated) {
            await outbox.append(trx, licenseEvents.agentReinstated, [
              {
                subject: renewal.agentId,
                data: { agentId: renewal.agentId, licenseId: renewal.licenseId, renewalDate: renewal.renewalDate, restoredStatus: renewal.restoredStatus ?? 'ACTIVE' },
              },
            ]);
          }
          await recordRenewal(trx, input, renewal);
          return renewal;
        });
        if (result.reinstated) metrics?.reinstatements.inc();
        logger.info(result, 'license renewed');
        return result;
      } catch (err) {
        if (err instanceof LicenseNotFoundError) {
          throw ApplicationFailure.nonRetryable(err.message, 'LicenseNotFound', { licenseId: err.licenseId });
        }
        throw err;
      }
    },
  };
}
