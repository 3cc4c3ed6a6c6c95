// A worker in its own process so its RSS is its own (G4): `ours` is the production worker
// construction (createWorker, real activities and outlet), `bare` runs bench/bare.workflow.ts.
// Usage: node --expose-gc --import tsx bench/worker-child.ts ours|bare <cache> <bundle.js>
// Configured by the environment like `npm run worker`; answers 'rss' messages over IPC. The
// bundle comes prebuilt from the harness: webpack in this process would inflate its RSS.
import { readFileSync } from 'node:fs';
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { loadConfig } from '../platform/config';
import { decisionVerifierFrom, vaultFrom } from '../platform/crypto/keyring';
import { createDb } from '../platform/db/client';
import { linkedinClientFrom } from '../platform/linkedin';
import { createLogger } from '../platform/logger';
import { createWorker } from '../worker/create-worker';
import { outletsFor } from '../worker/outlets';
import { createBareActivities } from './bare-activities';
import { WORKER_LIMITS } from './constants';

const [arm, cacheArg, bundleFile] = process.argv.slice(2);
const maxCachedWorkflows = Number(cacheArg);
if ((arm !== 'ours' && arm !== 'bare') || !Number.isInteger(maxCachedWorkflows) || !bundleFile) {
  throw new Error('usage: worker-child.ts ours|bare <maxCachedWorkflows> <bundle.js>');
}
const workflowBundle = { code: readFileSync(bundleFile, 'utf8') };
Runtime.install({ logger: new DefaultLogger('ERROR') });
const config = loadConfig();
const connection = await NativeConnection.connect({ address: config.TEMPORAL_ADDRESS });
const common = {
  connection,
  namespace: config.TEMPORAL_NAMESPACE,
  taskQueue: config.TEMPORAL_TASK_QUEUE,
};

async function build(): Promise<Worker> {
  if (arm === 'ours') {
    const db = createDb(config.DATABASE_URL, { max: 10 });
    const log = createLogger({ level: 'silent', name: 'bench-worker', pretty: false });
    return createWorker({
      ...common,
      workflowBundle,
      activities: {
        db,
        outlets: outletsFor({
          db,
          vault: vaultFrom(config),
          log,
          linkedin: linkedinClientFrom(config),
          linkedinVersion: config.LINKEDIN_VERSION,
        }),
        decisionVerifier: decisionVerifierFrom(config),
      },
      maxConcurrentActivities: WORKER_LIMITS.maxConcurrentActivityTaskExecutions,
      maxCachedWorkflows,
    });
  }
  return Worker.create({
    ...common,
    workflowBundle,
    activities: createBareActivities(new Map()),
    maxConcurrentActivityTaskExecutions: WORKER_LIMITS.maxConcurrentActivityTaskExecutions,
    maxCachedWorkflows,
  });
}

const worker = await build();
process.on('message', (message) => {
  if (message !== 'rss') return;
  void sampleRss().then((rss) =>
    // The main isolate's heap (activities, Prisma, the SDK's JS side), to tell it apart from
    // the workflow threads and native memory in the RSS.
    process.send?.({ rss, heapUsed: process.memoryUsage().heapUsed }),
  );
});
process.once('SIGTERM', () => worker.shutdown());
process.send?.({ ready: true });
await worker.run();
await connection.close();
process.exit(0);

/**
 * The lowest of three readings, each after a full collection, in both arms alike: the sample is
 * live memory rather than whatever garbage the last burst left (gc() reaches the main isolate;
 * the workflow threads collect on their own, which the lowest reading mostly absorbs).
 */
async function sampleRss(): Promise<number> {
  const gc = (globalThis as { gc?: () => void }).gc;
  let lowest = Number.POSITIVE_INFINITY;
  for (let i = 0; i < 3; i++) {
    gc?.();
    await new Promise((resolve) => setTimeout(resolve, 300));
    lowest = Math.min(lowest, process.memoryUsage().rss);
  }
  return lowest;
}
