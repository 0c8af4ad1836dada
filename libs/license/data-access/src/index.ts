export * from './schema';
export { licenseMigrations } from './migrations';
export { findExpiredPage, previewExpired, deactivateExpiredAgents, reinstateAfterRenewal, type DeactivatedAgent, type Reinstatement } from './agent.repository';
export { startBatch, recordPageFailure, finishBatch, findPageResult, savePageResult, findRenewalResult, recordRenewal } from './batch.repository';
export { findRemindersDue, queueReminders, type DueReminder, type QueuedReminder, type RemindersPage } from './reminder.repository';
export { renewLicense, LicenseNotFoundError } from './license.repository';
