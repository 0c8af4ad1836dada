export { createVsyncActivities, type VsyncActivityDeps } from './vsync-activities';
export { createVsyncMetrics, type VsyncMetrics } from './metrics';
