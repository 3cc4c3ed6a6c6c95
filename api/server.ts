// `npm run api`: the REST API process, configured only by the environment.
import { Client } from '@temporalio/client';
import { createDb } from '../platform/db/client';
import { connectClient } from '../platform/temporal';
import { runProcess } from '../platform/process';
import { vaultFrom } from '../platform/crypto/keyring';
import { checkLinkedInVersion, linkedinClientFrom } from '../platform/linkedin';
import { buildApp } from './app';

await runProcess('stargue-api', async ({ config, log, onShutdown }) => {
  checkLinkedInVersion(config, log);
  const db = createDb(config.DATABASE_URL);
  await db.$queryRaw`SELECT 1`;
  const connection = await connectClient(config);
  const temporal = new Client({ connection, namespace: config.TEMPORAL_NAMESPACE });
  const app = await buildApp({
    log,
    publishing: { db, temporal, taskQueue: config.TEMPORAL_TASK_QUEUE, log },
    linkedin: linkedinClientFrom(config),
    vault: vaultFrom(config),
    linkedinVersion: config.LINKEDIN_VERSION,
    mediaMaxBytes: config.MEDIA_MAX_BYTES,
    readiness: [
      { name: 'postgres', check: async () => void (await db.$queryRaw`SELECT 1`) },
      {
        name: 'temporal',
        check: async () => void (await connection.workflowService.getSystemInfo({})),
      },
    ],
  });
  onShutdown(async () => {
    await app.close();
    await connection.close();
    await db.$disconnect();
  });
  const address = await app.listen({ host: config.API_HOST, port: config.API_PORT });
  log.info({ address, docs: `${address}/docs` }, 'API listening');
});
