export * from './schema';
export { licenseMigrations } from './migrations';
export { findExpiredPage, previewExpired, deactivatePage, type OnDeactivated } from './deactivation-repository';
export { startBatch, recordPageFailure, finishBatch } from './batch-repository';
export { queueRemindersPage, type QueuedReminder } from './reminders-repository';
export { renewLicense, LicenseNotFoundError } from './renewal-repository';
