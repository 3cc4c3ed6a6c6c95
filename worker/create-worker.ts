import { fileURLToPath } from 'node:url';
import {
  Worker,
  bundleWorkflowCode,
  type NativeConnection,
  type WorkflowBundle,
} from '@temporalio/worker';
import { createActivities, type ActivityDeps } from '../activities';

export const WORKFLOWS_PATH = fileURLToPath(new URL('../workflows/index.ts', import.meta.url));

export interface WorkerSettings {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  activities: ActivityDeps;
  /** A prebuilt bundle (tests, the Docker image); bundled from source when absent. */
  workflowBundle?: WorkflowBundle;
  /** Outlet calls at once on this worker: LinkedIn's limits are per member and per app. */
  maxConcurrentActivities?: number;
  maxCachedWorkflows?: number;
}

export function bundleWorkflows(): Promise<WorkflowBundle> {
  return bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: quietBundlerLogger });
}

export function createWorker(settings: WorkerSettings): Promise<Worker> {
  return Worker.create({
    connection: settings.connection,
    namespace: settings.namespace,
    taskQueue: settings.taskQueue,
    ...(settings.workflowBundle
      ? { workflowBundle: settings.workflowBundle }
      : { workflowsPath: WORKFLOWS_PATH }),
    activities: createActivities(settings.activities),
    maxConcurrentActivityTaskExecutions: settings.maxConcurrentActivities ?? 10,
    maxCachedWorkflows: settings.maxCachedWorkflows ?? 500,
    // SIGTERM must let an in-flight outlet call finish and be recorded (TEMPORAL.md pitfall 4).
    shutdownGraceTime: '30 seconds',
  });
}

const noop = (): void => undefined;
const quietBundlerLogger = {
  trace: noop,
  debug: noop,
  info: noop,
  warn: noop,
  error: noop,
  log: noop,
};
