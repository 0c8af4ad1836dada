export * from './domain';
export * from './ticketing-sample';
export * from './activities';
export * from './events';
export * from './schemas';
