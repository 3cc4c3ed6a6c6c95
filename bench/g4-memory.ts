// G4: worker memory with many approved items sleeping. Each arm's worker runs in its own process
// (bench/worker-child.ts) with the same maxCachedWorkflows, so its RSS is its own. G3's approved
// items sleep on these workers too, then a budgeted top-up adds more; RSS is sampled after every
// batch to show whether it follows the cache or the item count.
import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import type { Harness } from './harness';
import {
  approveOurs,
  barePool,
  forEachLimit,
  nextId,
  ourPool,
  signalBare,
  StatusWatcher,
  untilBareStage,
} from './items';
import { round } from './stats';

const FAR_FUTURE_MS = 7 * 86_400_000;

export class ChildWorker {
  items = 0;
  /** The main isolate's heap at the last reading, after a full collection. */
  heapMb = 0;
  private constructor(
    readonly taskQueue: string,
    private readonly child: ChildProcess,
  ) {}

  static async start(
    h: Harness,
    arm: 'ours' | 'bare',
    cache: number,
    label: string = arm,
  ): Promise<ChildWorker> {
    const taskQueue = `${h.ours.taskQueue}-g4-${label}`;
    const args = [arm, String(cache), h.bundles[arm]];
    const child = fork(path.join(import.meta.dirname, 'worker-child.ts'), args, {
      execArgv: ['--expose-gc', '--import', 'tsx'],
      env: h.workerEnv(taskQueue),
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    await new Promise<void>((resolve, reject) => {
      child.once('exit', (code) => reject(new Error(`${arm} worker exited with ${code}`)));
      child.once('message', () => resolve());
    });
    child.removeAllListeners('exit');
    return new ChildWorker(taskQueue, child);
  }

  rssMb(): Promise<number> {
    return new Promise((resolve) => {
      this.child.once('message', (m: { rss: number; heapUsed: number }) => {
        this.heapMb = round(m.heapUsed / 2 ** 20, 1);
        resolve(round(m.rss / 2 ** 20, 1));
      });
      this.child.send('rss');
    });
  }

  /**
   * An idle worker hands memory back in steps over some 20 s after a burst (V8's memory reducer
   * in each isolate), so the samples that count wait until RSS has not fallen for 10 s.
   */
  async settledRssMb(timeoutMs = 30_000): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    const readings = [await this.rssMb()];
    let lastDrop = Date.now();
    while (Date.now() < deadline && Date.now() - lastDrop < 10_000) {
      await new Promise((resolve) => setTimeout(resolve, 2000));
      const reading = await this.rssMb();
      if (reading < Math.min(...readings) - 1) lastDrop = Date.now();
      readings.push(reading);
    }
    return Math.min(...readings);
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.kill('SIGTERM');
    await exited;
  }
}

export interface G4Workers {
  ours: ChildWorker;
  bare: ChildWorker;
  /** The harness pointed at the child workers' task queues. */
  lane: Harness;
  watcher: StatusWatcher;
  cache: number;
  /** Milliseconds per item-pair of the warm-up batch: sizes the first top-up batch's estimate. */
  msPerItem: number;
  samples: {
    oursItems: number;
    bareItems: number;
    oursRssMb: number;
    bareRssMb: number;
    oursHeapMb: number;
    bareHeapMb: number;
  }[];
  /** Both workers' RSS now; `settled` waits until it has stopped falling (first and last). */
  sample(settled?: boolean): Promise<void>;
}

export async function startG4Workers(h: Harness, cache: number, warmItems: number) {
  const [ours, bare] = await Promise.all([
    ChildWorker.start(h, 'ours', cache),
    ChildWorker.start(h, 'bare', cache),
  ]);
  const lane: Harness = {
    ...h,
    publishing: { ...h.publishing, taskQueue: ours.taskQueue },
    bare: { ...h.bare, taskQueue: bare.taskQueue },
  };
  const workers: G4Workers = {
    ours,
    bare,
    lane,
    watcher: new StatusWatcher(h),
    cache,
    msPerItem: 0,
    samples: [],
    async sample(settled = false) {
      const read = (c: ChildWorker) => (settled ? c.settledRssMb() : c.rssMb());
      const [oursRssMb, bareRssMb] = await Promise.all([read(ours), read(bare)]);
      this.samples.push({
        oursItems: ours.items,
        bareItems: bare.items,
        oursRssMb,
        bareRssMb,
        oursHeapMb: ours.heapMb,
        bareHeapMb: bare.heapMb,
      });
    },
  };
  // The "before" sample follows a few items per arm, so code and isolates are loaded in both.
  const started = Date.now();
  await addSleeping(workers, warmItems, 10);
  workers.msPerItem = (Date.now() - started) / warmItems;
  await workers.sample(true);
  return workers;
}

/** Approved items (ours) and signalled pipelines (bare) that then sleep for a week. */
export async function addSleeping(w: G4Workers, count: number, concurrency: number) {
  const due = Date.now() + FAR_FUTURE_MS;
  const ours = Array.from({ length: count }, () => nextId('g4'));
  await ourPool(w.lane, w.watcher, ours, new Date(due).toISOString(), concurrency);
  await forEachLimit(ours, concurrency, async (id) => {
    await approveOurs(w.lane, id);
    await w.watcher.until(id, 'scheduled');
  });
  w.ours.items += count;
  const bare = Array.from({ length: count }, () => nextId('g4-bare'));
  await barePool(w.lane, bare, due, concurrency);
  await forEachLimit(bare, concurrency, async (id) => {
    await signalBare(w.lane, id);
    await untilBareStage(w.lane, id, 'sleeping');
  });
  w.bare.items += count;
}

export interface G4Plan {
  targetItems: number;
  batch: number;
  concurrency: number;
  /** Epoch ms by which the last batch must end (the run's time budget). */
  deadline: number;
}

export async function finishG4(w: G4Workers, plan: G4Plan, log: (line: string) => void) {
  for (;;) {
    // Each batch is sized to end in time at the pace the last one went.
    const fits = Math.floor((plan.deadline - Date.now()) / w.msPerItem);
    const size = Math.min(plan.batch, plan.targetItems - w.ours.items, fits);
    if (size < Math.min(plan.batch, 20)) break;
    const started = Date.now();
    await addSleeping(w, size, plan.concurrency);
    w.msPerItem = (Date.now() - started) / size;
    await w.sample();
    const last = w.samples.at(-1)!;
    log(
      `G4 ${last.oursItems} items sleeping: ours RSS ${last.oursRssMb} MB (main heap ${last.oursHeapMb}), bare ${last.bareRssMb} MB (${last.bareHeapMb}) (${round((Date.now() - started) / 1000, 0)} s/batch)`,
    );
  }
  await w.sample(true);
  const before = w.samples[0]!;
  const after = w.samples.at(-1)!;
  const oursDelta = after.oursRssMb - before.oursRssMb;
  const bareDelta = after.bareRssMb - before.bareRssMb;
  // RELIABILITY.md §5: ΔRSS ≤ 1.5 × cache × 1 MB + 50 MB, whatever the item count.
  const boundMb = 1.5 * w.cache + 50;
  // Below the noise floor a ratio of deltas means nothing: both arms then count as flat.
  const ratio = round(Math.max(oursDelta, 1) / Math.max(bareDelta, 1), 3);
  const afterCache = w.samples.filter((s) => s.oursItems >= 2 * w.cache);
  const growthPer1k =
    afterCache.length >= 2
      ? round(
          ((afterCache.at(-1)!.oursRssMb - afterCache[0]!.oursRssMb) /
            (afterCache.at(-1)!.oursItems - afterCache[0]!.oursItems)) *
            1000,
          1,
        )
      : null;
  await Promise.all([w.ours.stop(), w.bare.stop()]);
  return {
    ratio: { median: ratio, min: ratio, max: ratio },
    pass: ratio <= 1.25 && oursDelta <= boundMb,
    threshold: `ΔRSS ratio <= 1.25; ours ΔRSS <= 1.5 × cache × 1 MB + 50 MB = ${boundMb} MB`,
    maxCachedWorkflows: w.cache,
    itemsSleepingPerArm: after.oursItems,
    targetItems: plan.targetItems,
    oursDeltaMb: round(oursDelta, 1),
    bareDeltaMb: round(bareDelta, 1),
    boundMb,
    oursMbPer1kItemsOnceCacheFull: growthPer1k,
    samples: w.samples,
  };
}
