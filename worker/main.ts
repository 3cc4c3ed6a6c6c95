// `npm run worker`: runs the workflows and activities on one task queue, configured only by the
// environment; SIGTERM lets an in-flight outlet call finish before exiting.
import { DefaultLogger, Runtime, type LogLevel } from '@temporalio/worker';
import type { Logger } from '../platform/logger';
import { runProcess } from '../platform/process';
import { loadPrebuiltBundle } from '../deploy/prebuilt-bundle';
import { runWorker } from './run';

function installRuntime(log: Logger, metricsAddress: string | undefined): void {
  const forward: Record<LogLevel, (meta: object, message: string) => void> = {
    TRACE: (m, msg) => log.trace(m, msg),
    DEBUG: (m, msg) => log.debug(m, msg),
    INFO: (m, msg) => log.info(m, msg),
    WARN: (m, msg) => log.warn(m, msg),
    ERROR: (m, msg) => log.error(m, msg),
  };
  Runtime.install({
    logger: new DefaultLogger('INFO', (entry) =>
      forward[entry.level]({ temporal: entry.meta ?? {} }, entry.message),
    ),
    telemetryOptions: {
      logging: { forward: {}, filter: 'WARN' },
      ...(metricsAddress ? { metrics: { prometheus: { bindAddress: metricsAddress } } } : {}),
    },
  });
}

await runProcess('stargue-worker', async (ctx) => {
  installRuntime(ctx.log, ctx.config.WORKER_METRICS_ADDRESS);
  await runWorker(ctx, {
    workflowBundle: loadPrebuiltBundle({ onSkip: (reason) => ctx.log.warn(reason) }),
  });
  process.exit(0);
});
