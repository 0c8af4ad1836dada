export { createLicenseActivities } from './license.activities';
export { createDeactivationActivities } from './deactivation.activities';
export { createRemindersActivities } from './reminders.activities';
export { createRenewalActivities } from './renewal.activities';
export type { LicenseActivityDeps } from './deps';
export { createLicenseMetrics, type LicenseMetrics } from './metrics';
