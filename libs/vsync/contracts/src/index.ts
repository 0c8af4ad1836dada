export * from './domain';
export * from './key-types';
export * from './vsync-verification';
export * from './vsync-reconciliation';
export * from './activities';
export * from './events';
export * from './schemas';
export { dayInTimeZone, type IsoDate } from '@fleet/shared-domain';
