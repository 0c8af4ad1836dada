import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import type { Duration } from '@temporalio/common';
import type { Logger } from '@fleet/shared-observability';
import type { TemporalTarget } from './client';

export interface RunWorkerOptions {
  target: TemporalTarget;
  taskQueue: string;
  workflows: Pick<WorkerOptions, 'workflowBundle' | 'workflowsPath'>;
  activities: object;
  logger: Logger;
  /** Time in-flight activities get to finish on shutdown before they are cancelled. */
  shutdownGraceTime?: Duration;
  tuning?: Pick<WorkerOptions, 'maxConcurrentActivityTaskExecutions' | 'maxConcurrentWorkflowTaskExecutions' | 'maxTaskQueueActivitiesPerSecond' | 'maxCachedWorkflows' | 'workflowThreadPoolSize'>;
  interceptors?: WorkerOptions['interceptors'];
}

export interface RunningWorker {
  worker: Worker;
  /** Resolves when the worker has stopped (after a shutdown signal or `shutdown()`). */
  done: Promise<void>;
  shutdown(): Promise<void>;
}

/**
 * Connects and starts polling the task queue. The worker stops gracefully on SIGINT/SIGTERM
 * (see installRuntime) or `shutdown()`, finishing in-flight tasks within the grace time.
 */
export async function runWorker(options: RunWorkerOptions): Promise<RunningWorker> {
  const connection = await NativeConnection.connect({ address: options.target.address });
  const worker = await Worker.create({
    connection,
    namespace: options.target.namespace,
    taskQueue: options.taskQueue,
    ...options.workflows,
    activities: options.activities,
    shutdownGraceTime: options.shutdownGraceTime ?? '20 seconds',
    ...options.tuning,
    interceptors: options.interceptors,
  });
  options.logger.info({ taskQueue: options.taskQueue, namespace: options.target.namespace }, 'worker polling');
  const done = worker.run().finally(() => connection.close());
  return {
    worker,
    done,
    async shutdown() {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await done;
    },
  };
}

export interface StoppableWorker extends RunningWorker {
  /** Stops polling, lets in-flight work finish, then releases what the worker used. */
  stop(): Promise<void>;
}

/** A running worker whose `done` also releases what it used (a relay, a pool, a client). */
export function releasingOnStop(running: RunningWorker, release: () => Promise<void>): StoppableWorker {
  const done = running.done.finally(release);
  return {
    ...running,
    done,
    async stop() {
      await running.shutdown();
      await done;
    },
  };
}
