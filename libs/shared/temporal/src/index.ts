export { connectClient, lazyClient, type TemporalTarget } from './client';
export { installRuntime, pinoToTemporalLogger } from './runtime';
export { runWorker, type RunWorkerOptions, type RunningWorker } from './worker';
export { buildWorkflowBundle, workflowSource } from './bundle';
export { grpcCode } from './errors';
