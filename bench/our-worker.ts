// `our-worker.ts <bundle.js>`: our production worker (createWorker, wired in bench/ours.ts) as a
// process of its own, configured by the environment like `npm run worker`, with the bundle the
// run built (no webpack in the measured process) and BENCH_MAX_CACHED_WORKFLOWS (G4 runs a
// smaller cache than production's 500 so that 5 × the cache fits in a run).
import { readFileSync } from 'node:fs';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { runProcess } from '../platform/process';
import { runWorker } from '../worker/run';

const [bundleFile] = process.argv.slice(2);
if (!bundleFile) throw new Error('usage: our-worker.ts <bundle.js>');

await runProcess('bench-our-worker', async (ctx) => {
  Runtime.install({ logger: new DefaultLogger('WARN') });
  await runWorker(ctx, {
    workflowBundle: { code: readFileSync(bundleFile, 'utf8') },
    maxCachedWorkflows: Number(process.env.BENCH_MAX_CACHED_WORKFLOWS ?? 500),
  });
  process.exit(0);
});
