// `npm run api`: the REST API process, configured only by the environment.
import { Client } from '@temporalio/client';
import { createDb } from '../platform/db/client';
import { connectClient } from '../platform/temporal';
import { runProcess } from '../platform/process';
import { decisionSignerFrom, vaultFrom } from '../platform/crypto/keyring';
import { checkLinkedInVersion, linkedinClientFrom } from '../platform/linkedin';
import { schedulePurge } from '../platform/purge';
import { buildApp } from './app';
import { buildMetricsServer, createApiMetrics } from './metrics';
import { waitForDatabase } from '../platform/db/ready';

await runProcess('stargue-api', async ({ config, log, onShutdown }) => {
  checkLinkedInVersion(config, log);
  const db = createDb(config.DATABASE_URL, { statementCache: config.DATABASE_STATEMENT_CACHE });
  await waitForDatabase(db, log);
  const connection = await connectClient(config);
  const temporal = new Client({ connection, namespace: config.TEMPORAL_NAMESPACE });
  const signer = decisionSignerFrom(config);
  if (!signer) log.warn('APPROVAL_SIGNING_KEY not set: approvals and releases will answer 503');
  const metrics = createApiMetrics(db, config.LINKEDIN_VERSION);
  const app = await buildApp({
    log,
    keyCacheMs: config.API_KEY_CACHE_SECONDS * 1000,
    publishing: { db, temporal, taskQueue: config.TEMPORAL_TASK_QUEUE, log, signer },
    linkedin: linkedinClientFrom(config),
    vault: vaultFrom(config),
    metrics,
    rateLimitPerMinute: config.RATE_LIMIT_PER_MINUTE,
    authFailuresPerMinute: config.AUTH_FAILURES_PER_MINUTE,
    trustProxy: config.TRUST_PROXY,
    linkedinVersion: config.LINKEDIN_VERSION,
    mediaMaxBytes: config.MEDIA_MAX_BYTES,
    bluesky: {
      defaultService: config.BLUESKY_DEFAULT_SERVICE,
      timeoutMs: config.BLUESKY_TIMEOUT_MS,
    },
    readiness: [
      { name: 'postgres', check: async () => void (await db.$queryRaw`SELECT 1`) },
      {
        name: 'temporal',
        check: async () => void (await connection.workflowService.getSystemInfo({})),
      },
    ],
  });
  const purge = schedulePurge(db, {
    purged: (purged) => {
      if (purged.reviewSessions + purged.oauthStates > 0) {
        log.info(purged, 'purged expired review sessions and OAuth states');
      }
    },
    failed: (err) => log.warn({ err }, 'purging expired sessions failed; trying again later'),
  });
  const metricsServer =
    config.METRICS_PORT === undefined ? null : await buildMetricsServer(metrics, log);
  onShutdown(async () => {
    await purge.stop();
    await app.close();
    await metricsServer?.close();
    await connection.close();
    await db.$disconnect();
  });
  const address = await app.listen({ host: config.API_HOST, port: config.API_PORT });
  log.info({ address, docs: `${address}/docs` }, 'API listening');
  if (metricsServer) {
    const metricsAddress = await metricsServer.listen({
      host: config.METRICS_HOST,
      port: config.METRICS_PORT,
    });
    log.info({ address: `${metricsAddress}/metrics` }, 'metrics listening');
  }
});
