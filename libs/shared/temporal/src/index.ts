export { connectClient, lazyClient, type TemporalTarget } from './client';
export { installRuntime, pinoToTemporalLogger } from './runtime';
export { runWorker, releasingOnStop, type RunWorkerOptions, type RunningWorker, type StoppableWorker } from './worker';
export { buildWorkflowBundle, workflowSource } from './bundle';
export { grpcCode } from './errors';
