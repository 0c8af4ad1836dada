export * from './schema';
export { ticketingMigrations } from './migrations';
export { insertChangeDetails, insertChanges, openTicketIds, upsertTicket } from './ticket.repository';
export { currentPolicies, saveConfigVersion } from './config.repository';
export {
  closeAttempt,
  deferNotification,
  findNotification,
  findRecipient,
  insertInAppNotification,
  listAttempts,
  markNotificationDelivered,
  markNotificationPending,
  markNotificationUndeliverable,
  openAttempt,
  recordNotification,
  recordSkippedAttempt,
  type AttemptRow,
  type NotificationRecipient,
  type NotificationRow,
} from './notification.repository';
