export { readSlaEvents, readEscalations, readChanges, readTicketRow } from './tickets';
export { readNotification, readNotificationAttempts, readInAppNotifications, insertInterruptedAttempt } from './notifications';
