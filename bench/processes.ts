// Every process a run starts besides itself: placed with `taskset` (RELIABILITY.md §5: server and
// Postgres on core 0; worker, API and stand-in on core 1), at normal priority while the run itself
// (the load) is `nice`d, its output kept in a file, and its RSS readable on demand.
import { fork, type ChildProcess } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { closeSync, openSync, readFileSync, readdirSync } from 'node:fs';
import os from 'node:os';
import { round } from './stats';

/**
 * Loaded with `--import` into every process the run measures, so the product's entry points stay
 * unchanged: answers `{probe: 'rss'}` over IPC with the lowest of three RSS readings, each after a
 * full collection, so a sample is live memory rather than the garbage of the last burst. Worker
 * threads inherit `--import`, so the probe runs in the workflow threads too and collects their
 * isolate (where evicted workflows leave their garbage) when the main thread asks over a
 * BroadcastChannel. Plain JavaScript in a data: URL, because threads have no TypeScript loader.
 * When the run dies the IPC channel closes and the process is told to stop, so nothing is left
 * running on a shared machine (every entry point exits on its own at SIGTERM).
 */
const PROBE_SOURCE = `
import { isMainThread } from 'node:worker_threads';
const threads = new BroadcastChannel('stargue-bench-gc');
if (!isMainThread) threads.onmessage = () => globalThis.gc?.();
threads.unref();
async function lowestRss() {
  let lowest = Infinity;
  for (let i = 0; i < 3; i++) {
    threads.postMessage('gc');
    globalThis.gc?.();
    await new Promise((resolve) => setTimeout(resolve, 300));
    lowest = Math.min(lowest, process.memoryUsage().rss);
  }
  return lowest;
}
if (isMainThread && process.send) {
  process.on('message', (m) => {
    if (m?.probe === 'rss') void lowestRss().then((rss) => process.send?.({ rss }));
  });
  process.on('disconnect', () => process.kill(process.pid, 'SIGTERM'));
}`;
const PROBE = `data:text/javascript,${encodeURIComponent(PROBE_SOURCE)}`;

/** Pins every thread of `pid` to `core`; false where `taskset` is missing or BENCH_PIN=0. */
export function pin(pid: number | undefined, core: number): boolean {
  if (!pid || process.env.BENCH_PIN === '0') return false;
  try {
    execFileSync('taskset', ['-a', '-p', '-c', String(core), String(pid)], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/**
 * The load runs `nice`d; everything measured runs at normal priority. Linux keeps a nice value per
 * thread and a child inherits the spawning thread's, so every thread of `pid` is set.
 */
export function setNice(pid: number | undefined, value: number): boolean {
  if (!pid) return false;
  let tids: number[];
  try {
    tids = readdirSync(`/proc/${pid}/task`).map(Number);
  } catch {
    tids = [pid];
  }
  try {
    for (const tid of tids) os.setPriority(tid, value);
    return true;
  } catch {
    return false;
  }
}

export interface ChildSpec {
  name: string;
  /** A TypeScript entry point, run with tsx. */
  entry: string;
  args?: string[];
  env: Record<string, string>;
  /** Printed once the process is ready to serve (a log line), unless `ready` is given. */
  readyLine?: string;
  /** Resolves once the process is ready to serve. */
  ready?: (child: Child) => Promise<void>;
  logFile: string;
}

type Killable = { kill(signal: NodeJS.Signals): void; once(event: 'exit', f: () => void): void };
const running = new Set<Killable>();
// Should the run itself fail hard, no process it started outlives it.
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/** Kills `child` with the run, whatever way the run ends. */
export function killWithRun(child: Killable): void {
  running.add(child);
  child.once('exit', () => running.delete(child));
}

// BENCH_CPU_PROF=<dir>: every process writes a V8 CPU profile there when it exits (to find where
// a goal's time goes; the profiler's overhead makes that run's figures meaningless).
const CPU_PROFILE = process.env.BENCH_CPU_PROF
  ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`]
  : [];

/**
 * BENCH_STALLS=<dir>: every thread of every process (the workflow threads too: threads inherit
 * `--import`) appends to `<dir>/<pid>-t<thread>-<entry>.txt` each event-loop stall (a 5 ms timer
 * firing over 10 ms late: the thread was busy or waited for the core) and each GC pause over 3 ms,
 * with wall-clock times, so a slow request can be laid beside what every thread did meanwhile.
 */
function stallProbe(dir: string): string[] {
  const source = `
import { appendFileSync } from 'node:fs';
import { PerformanceObserver } from 'node:perf_hooks';
import { threadId } from 'node:worker_threads';
const entry = (process.argv[1] ?? 'node').split('/').pop();
const file = ${JSON.stringify(dir)} + '/' + process.pid + '-t' + threadId + '-' + entry + '.txt';
const lines = [];
let last = performance.now();
setInterval(() => {
  const now = performance.now();
  if (now - last - 5 > 10) lines.push('stall ' + Date.now() + ' ' + (now - last - 5).toFixed(1));
  last = now;
}, 5).unref();
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) {
    if (e.duration > 3) lines.push('gc ' + Math.round(performance.timeOrigin + e.startTime) + ' ' + e.duration.toFixed(1) + ' ' + e.detail?.kind);
  }
}).observe({ entryTypes: ['gc'] });
const flush = () => { if (lines.length) appendFileSync(file, lines.splice(0).join('\\n') + '\\n'); };
setInterval(flush, 1000).unref();
process.on('exit', flush);`;
  return ['--import', `data:text/javascript,${encodeURIComponent(source)}`];
}
const STALLS = process.env.BENCH_STALLS ? stallProbe(process.env.BENCH_STALLS) : [];

/** A process of the run: RSS over IPC through the probe above, output in `logFile`. */
export class Child {
  readonly process: ChildProcess;
  #exited: Promise<void>;
  private constructor(readonly spec: ChildSpec) {
    const out = openSync(spec.logFile, 'a');
    this.process = fork(spec.entry, spec.args ?? [], {
      execArgv: ['--expose-gc', '--import', 'tsx', '--import', PROBE, ...CPU_PROFILE, ...STALLS],
      env: spec.env,
      stdio: ['ignore', out, out, 'ipc'],
    });
    closeSync(out);
    killWithRun(this.process);
    this.#exited = new Promise((resolve) => this.process.once('exit', () => resolve()));
    pin(this.process.pid, 1);
    setNice(this.process.pid, 0);
  }

  static async start(spec: ChildSpec, timeoutMs = 120_000): Promise<Child> {
    const child = new Child(spec);
    const deadline = Date.now() + timeoutMs;
    const ready = spec.ready
      ? spec.ready(child)
      : (async () => {
          while (!child.output().includes(spec.readyLine ?? '')) {
            await new Promise((resolve) => setTimeout(resolve, 100));
            if (Date.now() > deadline) throw new Error('timed out');
          }
        })();
    const exited = child.#exited.then(() => {
      throw new Error(`exited with ${child.process.exitCode ?? child.process.signalCode}`);
    });
    try {
      await Promise.race([ready, exited]);
      // Threads started before the first call inherited the run's `nice`.
      setNice(child.pid, 0);
    } catch (err) {
      await child.kill();
      throw new Error(
        `${spec.name} did not start: ${String(err)}\n${child.output().slice(-3000)}`,
        { cause: err },
      );
    }
    return child;
  }

  get pid(): number | undefined {
    return this.process.pid;
  }

  get alive(): boolean {
    return this.process.exitCode === null && this.process.signalCode === null;
  }

  output(): string {
    try {
      return readFileSync(this.spec.logFile, 'utf8');
    } catch {
      return '';
    }
  }

  /** RSS in MB: the lowest of three readings, each after a full collection (PROBE_SOURCE). */
  rssMb(): Promise<number> {
    return new Promise((resolve, reject) => {
      const onMessage = (m: unknown) => {
        const reply = m as { rss?: number };
        if (typeof reply.rss !== 'number') return;
        this.process.off('message', onMessage);
        resolve(round(reply.rss / 2 ** 20, 1));
      };
      this.process.on('message', onMessage);
      if (!this.process.send({ probe: 'rss' })) reject(new Error(`${this.spec.name} is gone`));
    });
  }

  /** utime + stime in ms (USER_HZ 100), 0 once the process is gone. */
  cpuMs(): number {
    return procCpuMs(this.pid);
  }

  signal(signal: NodeJS.Signals): void {
    if (this.alive) this.process.kill(signal);
  }

  async exited(): Promise<void> {
    await this.#exited;
  }

  /** SIGTERM, then SIGKILL after `graceMs`. */
  async stop(graceMs = 40_000): Promise<void> {
    if (!this.alive) return;
    const timer = setTimeout(() => this.signal('SIGKILL'), graceMs);
    this.signal('SIGTERM');
    await this.#exited;
    clearTimeout(timer);
  }

  async kill(): Promise<void> {
    if (!this.alive) return;
    this.signal('SIGKILL');
    await this.#exited;
  }
}

/** utime + stime of a process in ms, 0 when it is gone or /proc is absent. */
export function procCpuMs(pid: number | undefined): number {
  if (!pid) return 0;
  try {
    // Fields after the command name (which may hold spaces): utime and stime are 14th and 15th.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return 0;
  }
}

export async function waitUntil(
  what: string,
  check: () => Promise<boolean> | boolean,
  timeoutMs: number,
  everyMs = 100,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}
