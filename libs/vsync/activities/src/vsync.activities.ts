import type { VsyncActivities } from '@fleet/vsync-contracts';
import { createCidFileActivities } from './cid-file.activities';
import type { VsyncActivityDeps } from './deps';
import { createReconciliationActivities } from './reconciliation.activities';
import { createVerificationActivities } from './verification.activities';

/**
 * The vsync worker's activities, built from their dependencies. Each opens the transaction it
 * needs and hands it to the data-access lib's repository functions (no SQL here).
 */
export function createVsyncActivities(deps: VsyncActivityDeps): VsyncActivities {
  return {
    ...createVerificationActivities(deps),
    ...createReconciliationActivities(deps),
    ...createCidFileActivities(deps),
  };
}
