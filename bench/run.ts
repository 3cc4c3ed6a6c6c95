// `npm run bench`: RELIABILITY.md §5 goals G1–G7 as same-run ratios against bare baselines,
// written to bench/results/<date>.json with one summary line per goal. Not part of `npm test`.
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import prettier from 'prettier';
import { runG1 } from './g1-throughput';
import { runG2 } from './g2-lateness';
import { runG3 } from './g3-approve-latency';
import { runG4 } from './g4-memory';
import { runG5 } from './g5-worker-kill';
import { runG6 } from './g6-server-restart';
import { runG7 } from './g7-audit';
import { startHarness, STANDIN_ANSWER_MS, type Harness } from './harness';
import { planFor, type GoalName } from './plan';
import { pin, setNice } from './processes';
import { summaryLines, type Goal } from './summary';

const started = Date.now();
const log = (line: string): void =>
  console.log(`[${String(Math.round((Date.now() - started) / 1000)).padStart(4)} s] ${line}`);
const plan = planFor(process.env);
// This process is the load: core 1 beside the worker, API and stand-in, `nice`d below them.
const pinned = pin(process.pid, 1);
const niced = setNice(process.pid, 10);

const results: {
  date: string;
  machine: Record<string, unknown>;
  plan: typeof plan;
  goals: Partial<Record<GoalName, Goal>>;
  invariants?: Record<string, number>;
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
    placement: { pinned, loadNiced: niced, standInAnswerMs: STANDIN_ANSWER_MS },
  },
  plan,
  goals: {},
  errors: [],
};

const goals: Record<GoalName, (h: Harness) => Promise<Goal>> = {
  G1: (h) => runG1(h, plan.g1, log),
  G2: (h) => runG2(h, plan.g2, log),
  G3: (h) => runG3(h, plan.g3, log),
  G4: (h) => runG4(h, plan.g4, log),
  G5: (h) => runG5(h, plan.g5, log),
  // Last but G7: it kills the server.
  G6: (h) => runG6(h, plan.g6, log),
  G7: (h) => runG7(h, plan.g7, log),
};

const h = await startHarness(log);
// Ctrl-C (or a SIGTERM) still stops every process and drops the scratch database.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => void h.close().finally(() => process.exit(130)));
}
results.machine.temporalCli = h.server.version;
results.machine.sqliteWal = h.server.wal;
try {
  const [pg] = await h.db.$queryRaw<{ server_version: string }[]>`SHOW server_version`;
  results.machine.postgres = pg?.server_version;
  for (const name of plan.goals) {
    log(`${name} starts`);
    try {
      results.goals[name] = await goals[name](h);
    } catch (err) {
      // One goal failing leaves the others to run; the run still exits 1.
      results.errors.push(
        `${name}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`,
      );
      log(`${name} failed: ${String(err)}`);
    }
  }
  // RELIABILITY.md §1.1 over the whole run, from the stand-in's ledger: at most one post per item.
  const ledger = await h.ledger();
  results.invariants = {
    itemsPosted: ledger.size,
    itemsPostedMoreThanOnce: [...ledger.values()].filter((p) => p.count > 1).length,
  };
} catch (err) {
  results.errors.push(err instanceof Error ? (err.stack ?? err.message) : String(err));
  log(`run failed: ${String(err)}`);
} finally {
  if (results.errors.length > 0) {
    process.exitCode = 1;
    log(`process logs kept in ${h.logDir}`);
  }
  await h.close();
}

results.seconds = Math.round((Date.now() - started) / 1000);
results.machine.loadAverageAtEnd = os.loadavg().map((l) => Math.round(l * 10) / 10);
// A quick run's figures mean nothing: its file goes to the temp directory, not the record.
const dir = plan.quick ? os.tmpdir() : path.join(import.meta.dirname, 'results');
mkdirSync(dir, { recursive: true });
const stamp = results.date.slice(0, 19).replace(/:/g, '-');
const file = path.join(dir, plan.quick ? `stargue-bench-quick-${stamp}Z.json` : `${stamp}Z.json`);
// Formatted as `npm run lint` (prettier --check .) expects.
writeFileSync(file, await prettier.format(JSON.stringify(results), { parser: 'json' }));

console.log('');
for (const line of summaryLines(results.goals, plan.goals)) console.log(line);
if ((results.invariants?.itemsPostedMoreThanOnce ?? 0) > 0) {
  console.log(
    `INVARIANT BROKEN: ${results.invariants?.itemsPostedMoreThanOnce} item(s) posted more than once`,
  );
}
console.log(`\n${plan.quick ? file : path.relative(process.cwd(), file)}; ${results.seconds} s`);
process.exit(results.errors.length > 0 ? 1 : 0);
