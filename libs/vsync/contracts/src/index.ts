export * from './constants';
export * from './verification';
export * from './reconciliation';
export * from './activities';
export * from './events';
