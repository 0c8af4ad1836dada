export * from './constants';
export * from './deactivation';
export * from './reminders';
export * from './renewal';
export * from './activities';
export * from './dates';
export * from './events';
