// The worker process's parts, built once from the configuration: the database pool, the
// outlets, the decision verifier, the audit sealer, the engagement starter and the Temporal
// worker itself. `npm run worker` (worker/main.ts) runs it; so does the benchmark's worker, with
// its own bundle and cache size, so both measure and run the same wiring.
import { Client } from '@temporalio/client';
import type { WorkflowBundle } from '@temporalio/worker';
import { sealSignerFrom } from '../platform/audit-keys';
import { startSealer } from '../platform/audit-sealer';
import type { Config } from '../platform/config';
import { decisionVerifierFrom, vaultFrom } from '../platform/crypto/keyring';
import { createDb } from '../platform/db/client';
import { checkLinkedInVersion, linkedinClientFrom } from '../platform/linkedin';
import type { Logger } from '../platform/logger';
import { connectClient, connectWorker, registerSearchAttributes } from '../platform/temporal';
import { createWorker } from './create-worker';
import { startFollowUps } from './follow-ups';
import { keyedOutletsFor, outletsFor } from './outlets';
import { waitForDatabase } from '../platform/db/ready';

export interface WorkerRunContext {
  config: Config;
  log: Logger;
  onShutdown: (fn: () => Promise<void>) => void;
}

export interface WorkerRunOptions {
  /** A prebuilt bundle; bundled from source when absent. */
  workflowBundle?: WorkflowBundle;
  maxCachedWorkflows?: number;
}

/** Builds every dependency once, runs the worker until shutdown, then closes them in order. */
export async function runWorker(
  { config, log, onShutdown }: WorkerRunContext,
  options: WorkerRunOptions = {},
): Promise<void> {
  checkLinkedInVersion(config, log);
  const signer = sealSignerFrom(config);
  const db = createDb(config.DATABASE_URL, {
    max: 10,
    statementCache: config.DATABASE_STATEMENT_CACHE,
  });
  await waitForDatabase(db, log);
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

  const followUps = startFollowUps({
    db,
    client: temporal,
    log,
  });
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
      keyedOutlets: keyedOutletsFor({ db, vault, log }),
      decisionVerifier,
      followUps,
      mediaGraceMs: config.LINKEDIN_MEDIA_GRACE_SECONDS * 1000,
    },
    ...(options.workflowBundle ? { workflowBundle: options.workflowBundle } : {}),
    ...(options.maxCachedWorkflows ? { maxCachedWorkflows: options.maxCachedWorkflows } : {}),
  });
  onShutdown(async () => {
    worker.shutdown();
  });
  log.info(
    { taskQueue: config.TEMPORAL_TASK_QUEUE, namespace: config.TEMPORAL_NAMESPACE },
    'worker running',
  );
  await worker.run();
  await followUps.stop();
  await sealer?.stop();
  await connection.close();
  await admin.close();
  await db.$disconnect();
}
