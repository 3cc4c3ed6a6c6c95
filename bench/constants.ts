// Shared by the harness and the worker child process (which must not load the whole harness).
import path from 'node:path';

export const BARE_WORKFLOWS = path.join(import.meta.dirname, 'bare.workflow.ts');

/** Every worker in both arms gets the production defaults (worker/create-worker.ts). */
export const WORKER_LIMITS = { maxConcurrentActivityTaskExecutions: 10, maxCachedWorkflows: 500 };

const noop = (): void => undefined;
/** webpack's progress lines would drown the summary. */
export const quietLogger = {
  trace: noop,
  debug: noop,
  info: noop,
  warn: noop,
  error: noop,
  log: noop,
};
