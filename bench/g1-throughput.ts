// G1: items per second through submit → approve → publish (scheduled now), closed loop at
// concurrency 20, against barePipeline (as many no-op activities as our histories show, one
// signal). CPU per item by process is recorded alongside: it is what explains the ratio here.
import { runPairs } from './pairs';
import type { Harness } from './harness';
import {
  approveOurs,
  bareShape,
  forEachLimit,
  nextId,
  ourHandle,
  signalBare,
  startBare,
  StatusWatcher,
  submitOurs,
} from './items';
import { cpuPerItem, cpuSample, type CpuSample } from './cpu';
import { countActivities, profileArm } from './profile';
import { round, spread } from './stats';

export interface G1Plan {
  items: number;
  concurrency: number;
  warmup: number;
  pairs: number;
}

interface ArmRun {
  itemsPerSecond: number;
  seconds: number;
  cpuMsPerItem: CpuSample;
}

export async function runG1(h: Harness, plan: G1Plan, log: (line: string) => void) {
  const watcher = new StatusWatcher(h);
  // The last pair's workflows are profiled from their histories once the pairs are done.
  const last: Record<string, string[]> = {};
  const timed = async (one: (id: string) => Promise<void>, prefix: string): Promise<ArmRun> => {
    const ids = Array.from({ length: plan.items }, () => nextId(prefix));
    last[prefix] = ids;
    const cpu = await cpuSample(h);
    const started = performance.now();
    await forEachLimit(ids, plan.concurrency, one);
    const seconds = (performance.now() - started) / 1000;
    return {
      itemsPerSecond: round(plan.items / seconds, 2),
      seconds: round(seconds, 1),
      cpuMsPerItem: cpuPerItem(cpu, await cpuSample(h), plan.items),
    };
  };
  const ours = async (pair: number): Promise<ArmRun> => {
    const run = await timed(async (id) => {
      await submitOurs(h, id);
      await watcher.until(id, 'awaiting_approval');
      await approveOurs(h, id);
      const final = await ourHandle(h, id).result();
      if (final.status !== 'published') throw new Error(`G1 item ${id} ended ${final.status}`);
    }, 'g1');
    // The bare pipeline runs as many activities as our histories show (the workflow evolves).
    if (pair === 0) bareShape.activities = await countActivities(h, last.g1!.slice(0, 5));
    return run;
  };
  const bare = (): Promise<ArmRun> =>
    timed(async (id) => {
      await startBare(h, id);
      await signalBare(h, id);
      await h.temporal.workflow.getHandle(id).result();
    }, 'g1-bare');

  const ledgerBefore = (await h.standIn.ledger()).length;
  const result = await runPairs({
    name: 'G1',
    warmup: plan.warmup,
    pairs: plan.pairs,
    ours,
    bare,
    ratio: (o, b) => o.itemsPerSecond / b.itemsPerSecond,
    describe: (r) =>
      `${r.itemsPerSecond}/s, CPU ms/item bench ${r.cpuMsPerItem.bench} server ${r.cpuMsPerItem.server} pg ${r.cpuMsPerItem.postgres}`,
    log,
  });
  const posts = (await h.standIn.ledger()).length - ledgerBefore;
  const expected = plan.items * (plan.warmup + plan.pairs);
  const ratio = result.ratio;
  return {
    ratio,
    pass: ratio.median >= 0.75 && posts === expected,
    threshold: 'ratio >= 0.75 (stretch 0.9); one post per item',
    itemsPerPair: plan.items,
    concurrency: plan.concurrency,
    posts: { expected, ledger: posts },
    activitiesPerItem: bareShape.activities,
    oursItemsPerSecond: result.pairs.map((p) => p.ours.itemsPerSecond),
    bareItemsPerSecond: result.pairs.map((p) => p.bare.itemsPerSecond),
    cpuMsPerItem: {
      ours: medianCpu(result.pairs.map((p) => p.ours.cpuMsPerItem)),
      bare: medianCpu(result.pairs.map((p) => p.bare.cpuMsPerItem)),
    },
    profile: {
      ours: await profileArm(
        h,
        last.g1!.map((id) => ourHandle(h, id).workflowId),
      ),
      bare: await profileArm(h, last['g1-bare']!),
    },
  };
}

function medianCpu(samples: CpuSample[]): CpuSample {
  const m = (k: keyof CpuSample) => spread(samples.map((s) => s[k])).median;
  return { bench: m('bench'), server: m('server'), postgres: m('postgres') };
}
