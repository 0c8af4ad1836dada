export * from './domain';
export * from './campaigns-sample';
export * from './activities';
export * from './events';
export * from './schemas';
