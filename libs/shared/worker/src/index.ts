export { domainWorkerEnv, loadWorkerConfig, type DomainWorkerConfig } from './config';
export { startDomainWorker, type ActivityDeps, type DomainActivities, type DomainWorker, type DomainWorkerDefinition, type DomainWorkerOptions, type QueueOptions } from './start-domain-worker';
export { runWorkerMain } from './main';
export { loadWorkerDeclarations, scheduleLockKey, startWorkerSchedules, WorkerSchedules, workerSchedulesFile, type ScheduleManifest, type SchedulesState, type WorkerSchedulesOptions } from './schedules';
export { isPermanentSqlState, permanentFailure, PermanentErrorsInterceptor } from './permanent-errors';
