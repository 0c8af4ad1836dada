export { createCampaignsActivities, type CampaignsActivityDeps } from './sample.activities';
