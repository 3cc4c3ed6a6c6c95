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

/**
 * The SDK's reusable V8 context evaluates every module under the workflows entry afresh for each
 * workflow unless it is preloaded: preloading the whole graph evaluates our modules once per
 * worker thread and shares them (about 40 KB less per cached workflow, docs/performance.md G4).
 * Safe because those modules hold no per-workflow state at module level: constants, pure
 * functions, and `define*`/`proxy*Activities` objects that reach the workflow only when called.
 * eslint.config.js keeps module-level mutable state out of them.
 */
const PRELOAD_MODULES = [WORKFLOWS_PATH];

export function bundleWorkflows(): Promise<WorkflowBundle> {
  return bundleWorkflowCode({
    workflowsPath: WORKFLOWS_PATH,
    preloadModules: PRELOAD_MODULES,
    logger: quietBundlerLogger,
  });
}

export function createWorker(settings: WorkerSettings): Promise<Worker> {
  return Worker.create({
    connection: settings.connection,
    namespace: settings.namespace,
    taskQueue: settings.taskQueue,
    ...(settings.workflowBundle
      ? { workflowBundle: settings.workflowBundle }
      : { workflowsPath: WORKFLOWS_PATH, bundlerOptions: { preloadModules: PRELOAD_MODULES } }),
    activities: createActivities(settings.activities),
    // Activities wait on Postgres and the outlets far more than they compute: with 10 slots a
    // burst of due posts queued for a slot while the running ones waited (docs/performance.md, G2).
    maxConcurrentActivityTaskExecutions: settings.maxConcurrentActivities ?? 50,
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
