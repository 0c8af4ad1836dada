export { createVsyncActivities, type VsyncActivityDeps } from './vsync-activities';
