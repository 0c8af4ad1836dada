export * from './schema';
export { licenseMigrations } from './migrations';
export { findExpiredPage, previewExpired, deactivatePage } from './deactivation-repository';
export { startBatch, recordPageFailure, finishBatch } from './batch-repository';
export { queueRemindersPage } from './reminders-repository';
export { renewLicense, LicenseNotFoundError } from './renewal-repository';
