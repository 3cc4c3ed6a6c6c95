// `npm run worker`: runs the workflows and activities on one task queue, configured only by the
// environment; SIGTERM lets an in-flight outlet call finish before exiting.
import { DefaultLogger, Runtime, type LogLevel } from '@temporalio/worker';
import { vaultFrom } from '../platform/crypto/keyring';
import { createDb } from '../platform/db/client';
import { checkLinkedInVersion, linkedinClientFrom } from '../platform/linkedin';
import type { Logger } from '../platform/logger';
import { runProcess } from '../platform/process';
import { connectClient, connectWorker, registerSearchAttributes } from '../platform/temporal';
import { loadPrebuiltBundle } from '../deploy/prebuilt-bundle';
import { createWorker } from './create-worker';
import { outletsFor } from './outlets';

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

await runProcess('stargue-worker', async ({ config, log, onShutdown }) => {
  checkLinkedInVersion(config, log);
  installRuntime(log, config.WORKER_METRICS_ADDRESS);
  const db = createDb(config.DATABASE_URL, { max: 10 });
  await db.$queryRaw`SELECT 1`;
  const vault = vaultFrom(config);
  const client = linkedinClientFrom(config);
  if (!client)
    log.warn(
      'LINKEDIN_CLIENT_ID/SECRET/REDIRECT_URI not set: items will halt until LinkedIn is configured',
    );

  const admin = await connectClient(config);
  const added = await registerSearchAttributes(admin, config.TEMPORAL_NAMESPACE);
  if (added.length > 0) log.info({ added }, 'registered search attributes');
  await admin.close();

  const connection = await connectWorker(config);
  const outlets = outletsFor({
    db,
    vault,
    log,
    linkedin: client,
    linkedinVersion: config.LINKEDIN_VERSION,
  });

  const worker = await createWorker({
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    activities: { db, outlets, mediaGraceMs: config.LINKEDIN_MEDIA_GRACE_SECONDS * 1000 },
    workflowBundle: loadPrebuiltBundle({ onSkip: (reason) => log.warn(reason) }),
  });
  onShutdown(async () => {
    worker.shutdown();
  });
  log.info(
    { taskQueue: config.TEMPORAL_TASK_QUEUE, namespace: config.TEMPORAL_NAMESPACE },
    'worker running',
  );
  await worker.run();
  await connection.close();
  await db.$disconnect();
  process.exit(0);
});
