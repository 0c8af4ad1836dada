import type { LicenseActivities } from '@fleet/license-contracts';
import { createDeactivationActivities } from './deactivation.activities';
import type { LicenseActivityDeps } from './deps';
import { createRemindersActivities } from './reminders.activities';
import { createRenewalActivities } from './renewal.activities';

/**
 * The license worker's activities, built from their dependencies. Each is idempotent; each opens
 * the transaction it needs and hands it to the data-access lib's repository functions (no SQL here).
 */
export function createLicenseActivities(deps: LicenseActivityDeps): LicenseActivities {
  return {
    ...createDeactivationActivities(deps),
    ...createRemindersActivities(deps),
    ...createRenewalActivities(deps),
  };
}
