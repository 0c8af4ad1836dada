export { domainWorkerEnv, loadWorkerConfig, type DomainWorkerConfig } from './config';
export { startDomainWorker, type ActivityDeps, type DomainActivities, type DomainWorker, type DomainWorkerDefinition, type DomainWorkerOptions } from './start-domain-worker';
export { runWorkerMain } from './main';
export { isPermanentSqlState, permanentFailure, PermanentErrorsInterceptor } from './permanent-errors';
