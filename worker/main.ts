// `npm run worker`: runs the workflows and activities on one task queue, configured only by the
// environment; SIGTERM lets an in-flight outlet call finish before exiting.
import { DefaultLogger, Runtime, type LogLevel } from '@temporalio/worker';
import { Client } from '@temporalio/client';
import { sealSignerFrom } from '../platform/audit-keys';
import { startSealer } from '../platform/audit-sealer';
import { decisionVerifierFrom, vaultFrom } from '../platform/crypto/keyring';
import { createDb } from '../platform/db/client';
import { linkedinClientFrom } from '../platform/linkedin';
import type { Logger } from '../platform/logger';
import { runProcess } from '../platform/process';
import { connectClient, connectWorker, registerSearchAttributes } from '../platform/temporal';
import { loadPrebuiltBundle } from '../deploy/prebuilt-bundle';
import { createWorker } from './create-worker';
import { engagementFollowUps } from './follow-ups';
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
  installRuntime(log, config.WORKER_METRICS_ADDRESS);
  const signer = sealSignerFrom(config);
  const db = createDb(config.DATABASE_URL, { max: 10 });
  await db.$queryRaw`SELECT 1`;
  const vault = vaultFrom(config);
  const sealer = signer
    ? startSealer({ db, signer, log, intervalMs: config.AUDIT_SEAL_INTERVAL_MS })
    : null;
  if (!sealer) log.warn('AUDIT_SIGNING_KEY not set: audit sealing is off in this worker');
  onShutdown(async () => sealer?.stop());
  const client = linkedinClientFrom(config);
  if (!client)
    log.warn(
      'LINKEDIN_CLIENT_ID/SECRET/REDIRECT_URI not set: items will halt until LinkedIn is configured',
    );

  const decisionVerifier = decisionVerifierFrom(config);
  if (!decisionVerifier)
    log.warn('APPROVAL_VERIFY_KEYS not set: this worker will believe no approval or release');

  const admin = await connectClient(config);
  const added = await registerSearchAttributes(admin, config.TEMPORAL_NAMESPACE);
  if (added.length > 0) log.info({ added }, 'registered search attributes');
  const temporal = new Client({ connection: admin, namespace: config.TEMPORAL_NAMESPACE });

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
    activities: {
      db,
      outlets,
      decisionVerifier,
      followUps: engagementFollowUps(temporal, config.TEMPORAL_TASK_QUEUE),
    },
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
  await sealer?.stop();
  await connection.close();
  await admin.close();
  await db.$disconnect();
  process.exit(0);
});
