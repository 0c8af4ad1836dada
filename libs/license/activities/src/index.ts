export { createLicenseActivities, type LicenseActivityDeps } from './license-activities';
export { createLicenseMetrics, type LicenseMetrics } from './metrics';
