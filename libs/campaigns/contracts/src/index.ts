export * from './domain';
export * from './campaign';
export * from './channels';
export * from './time';
export * from './activities';
export * from './events';
export * from './schemas';
export * from './agents';
