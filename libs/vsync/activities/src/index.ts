export { createVsyncActivities } from './vsync.activities';
export { createVerificationActivities } from './verification.activities';
export { createReconciliationActivities } from './reconciliation.activities';
export { createCidFileActivities } from './cid-file.activities';
export type { VsyncActivityDeps } from './deps';
export { createVsyncMetrics, type VsyncMetrics } from './metrics';
