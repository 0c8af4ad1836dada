export * from './schema';
export { campaignsMigrations } from './migrations';
export { insertSample } from './sample.repository';
