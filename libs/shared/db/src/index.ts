export { createDb, createPool, type DbOptions } from './create-db';
export { migrateToLatest, type MigrationSet } from './migrate';
export { createDatabaseIfMissing, databaseUrl } from './admin';
export { withTryAdvisoryLock } from './lock';
