export * from './domain';
export * from './license-deactivation';
export * from './license-renewal-reminders';
export * from './license-renewal';
export * from './activities';
export * from './events';
export * from './schemas';
export { addDays, dayInTimeZone, isIsoDate, type IsoDate } from '@fleet/shared-domain';
