export * from './schema';
export { ticketingMigrations } from './migrations';
export { insertSample } from './sample.repository';
