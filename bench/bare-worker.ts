// `bare-worker.ts <bundle.js>`: the bare arm's worker process, configured like `npm run worker`
// (TEMPORAL_ADDRESS, TEMPORAL_TASK_QUEUE, BENCH_MAX_CACHED_WORKFLOWS) plus the stand-in it posts
// to. It loads the bundle the run built, so webpack does not inflate its RSS.
import { readFileSync } from 'node:fs';
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { createBareActivities } from './bare-activities';

const [bundleFile] = process.argv.slice(2);
const env = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`bare worker: ${name} is not set`);
  return value;
};
Runtime.install({ logger: new DefaultLogger('WARN') });
const connection = await NativeConnection.connect({ address: env('TEMPORAL_ADDRESS') });
const worker = await Worker.create({
  connection,
  namespace: process.env.TEMPORAL_NAMESPACE ?? 'default',
  taskQueue: env('TEMPORAL_TASK_QUEUE'),
  workflowBundle: { code: readFileSync(bundleFile ?? env('BENCH_BARE_BUNDLE'), 'utf8') },
  activities: createBareActivities({
    url: env('BENCH_STANDIN_URL'),
    accessToken: env('BENCH_STANDIN_TOKEN'),
    author: env('BENCH_STANDIN_AUTHOR'),
    linkedinVersion: env('LINKEDIN_VERSION'),
  }),
  // The production worker's limits (worker/create-worker.ts).
  maxConcurrentActivityTaskExecutions: 50,
  maxCachedWorkflows: Number(process.env.BENCH_MAX_CACHED_WORKFLOWS ?? 500),
});
process.once('SIGTERM', () => worker.shutdown());
console.log('bare worker running');
await worker.run();
await connection.close();
process.exit(0);
