// `npm run bench`: RELIABILITY.md §5 goals G1–G5 as same-run ratios against bare baselines,
// written to bench/results/<date>.json with a one-line summary per goal. Not part of `npm test`.
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import prettier from 'prettier';
import { runG1 } from './g1-throughput';
import { runG2 } from './g2-lateness';
import { runG3 } from './g3-approve-latency';
import { finishG4, startG4Workers } from './g4-memory';
import { runG5 } from './g5-worker-kill';
import { pin, startHarness } from './harness';
import { measureStartRate } from './items';
import { planFor } from './plan';
import { spread, type Spread } from './stats';
import { summaryLines } from './summary';

const started = Date.now();
const log = (line: string): void =>
  console.log(`[${String(Math.round((Date.now() - started) / 1000)).padStart(4)} s] ${line}`);
const plan = planFor(process.env);
const pinned = pin(process.pid, 1);
const deadline = started + plan.budgetMinutes * 60_000;

const results: {
  date: string;
  machine: Record<string, unknown>;
  plan: typeof plan;
  goals: Record<string, { ratio: Spread; pass: boolean } & Record<string, unknown>>;
  errors: string[];
  seconds?: number;
} = {
  date: new Date(started).toISOString(),
  machine: {
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model,
    memoryGb: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    platform: `${os.type()} ${os.release()}`,
    loadAverageAtStart: os.loadavg().map((l) => Math.round(l * 10) / 10),
    pinned,
  },
  plan,
  goals: {},
  errors: [],
};

const h = await startHarness(log);
// Ctrl-C still drops the scratch database and stops the dev server.
process.once('SIGINT', () => void h.close().finally(() => process.exit(130)));
results.machine.temporalCli = h.server.version.split('\n')[0];
results.machine.sqliteWal = h.server.wal;
let g4: Awaited<ReturnType<typeof startG4Workers>> | undefined;
try {
  const [pg] = await h.db.$queryRaw<{ server_version: string }[]>`SHOW server_version`;
  results.machine.postgres = pg?.server_version;
  const startRate = await measureStartRate(h, plan.startRateProbe);
  results.machine.bareStartsPerSecond = startRate;
  log(`start rate (bare workflows, concurrency 20): ${startRate}/s`);

  const g1 = await runG1(h, plan.g1, log);
  results.goals.G1 = g1;
  const g1Rate = spread(g1.oursItemsPerSecond).median;
  results.goals.G2 = await runG2(h, { ...plan.g2, oursItemsPerSecond: g1Rate }, log);

  g4 = await startG4Workers(h, plan.g4.cache, plan.g4.warmItems);
  const levels = await runG3(g4, plan.g3, log);
  const worst = Object.values(levels).sort((a, b) => b.ratio.median - a.ratio.median)[0]!;
  results.goals.G3 = {
    ratio: worst.ratio,
    pass: Object.values(levels).every((l) => l.pass),
    threshold: 'p99 ours / p99 bare <= 1.3 at every level (ratio shown: the worst level); 0 errors',
    levels,
  };

  results.goals.G5 = await runG5(h, plan.g5, log);
  // G4 last: its top-up takes whatever time the budget has left, keeping 2.5 min for its
  // settled final sample and the teardown.
  results.goals.G4 = await finishG4(g4, { ...plan.g4, deadline: deadline - 150_000 }, log);
  g4 = undefined;
} catch (err) {
  results.errors.push(err instanceof Error ? (err.stack ?? err.message) : String(err));
  log(`run failed: ${String(err)}`);
} finally {
  await g4?.ours.stop();
  await g4?.bare.stop();
  await h.close();
}

results.seconds = Math.round((Date.now() - started) / 1000);
results.machine.loadAverageAtEnd = os.loadavg().map((l) => Math.round(l * 10) / 10);
const dir = path.join(import.meta.dirname, 'results');
mkdirSync(dir, { recursive: true });
const file = path.join(dir, `${results.date.slice(0, 19).replace(/:/g, '-')}Z.json`);
// Formatted as `npm run lint` (prettier --check .) expects.
writeFileSync(file, await prettier.format(JSON.stringify(results), { parser: 'json' }));

console.log('');
for (const line of summaryLines(results.goals)) console.log(line);
console.log(`\n${path.relative(process.cwd(), file)}; ${results.seconds} s`);
process.exit(results.errors.length > 0 ? 1 : 0);
