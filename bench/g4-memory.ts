// G4: memory per cached workflow = the slope of worker RSS over cached workflows while the cache
// fills (items approved and sleeping), ours ÷ bare. Each pair starts both arms' workers afresh in
// processes of their own with the same small cache. The last pair then goes on to 5 × the cache
// (RSS must stay flat) and runs a wake check: more items than the cache holds, due within the
// run, so evicted workflows are replayed on wake; each must post exactly once.
import type { Harness } from './harness';
import { forEachLimit, nextId, sleep, untilBareStage } from './items';
import { OurApi, startOurWorker, StatusWatcher } from './ours';
import { runPairs } from './pairs';
import type { Child } from './processes';
import { round, slope, spread } from './stats';

export interface G4Plan {
  cache: number;
  /** Items sleeping before the first sample, so code and isolates are loaded. */
  warm: number;
  /** RSS samples while the cache fills (evenly spaced up to the cache size). */
  fillSamples: number;
  /** The last pair goes on to `flatMultiple` × cache, sampled every half cache. */
  flatMultiple: number;
  /** Wake check: items per arm as a multiple of the cache, due within the run. */
  wakeMultiple: number;
  concurrency: number;
  warmup: number;
  pairs: number;
}

interface Sample {
  items: number;
  rssMb: number;
}

interface ArmRun {
  /** MB per cached workflow while the cache fills. */
  mbPerWorkflow: number;
  samples: Sample[];
}

export const G4_THRESHOLD = 1.25;
/** "Flat once full": an item beyond the cache may cost at most this share of a cached one… */
export const G4_FLAT_SHARE = 0.25;
/**
 * …taking a cached one as at least 0.2 MB (a fifth of the ~1 MB per cached workflow the SDK's
 * docs cite), so a fill slope lost in noise does not make every wobble a failure.
 */
export const G4_FLAT_FLOOR_MB = 0.2;
const FAR_FUTURE_MS = 7 * 86_400_000;

export async function runG4(h: Harness, plan: G4Plan, log: (line: string) => void) {
  const oursQueue = h.queue('g4-ours');
  const bareQueue = h.queue('g4-bare');
  const api = await OurApi.start(h.ours, oursQueue, 'g4-our-api');
  const watcher = new StatusWatcher(h.db);
  const workers: Partial<Record<'ours' | 'bare', Child>> = {};
  const add = async (arm: 'ours' | 'bare', count: number, dueMs = Date.now() + FAR_FUTURE_MS) => {
    const ids = Array.from({ length: count }, () => nextId(arm === 'ours' ? 'g4' : 'g4-bare'));
    await forEachLimit(ids, plan.concurrency, async (id) => {
      if (arm === 'ours') {
        await api.submit(id, new Date(dueMs));
        await watcher.until(id, 'awaiting_approval');
        await api.approveOk(id);
        await watcher.until(id, 'scheduled');
      } else {
        await h.bare.start({ key: id, dueMs }, bareQueue);
        await h.bare.approve(id);
        await untilBareStage(h, id, 'sleeping');
      }
    });
    return ids;
  };

  const fill = (arm: 'ours' | 'bare') => async (): Promise<ArmRun> => {
    await workers[arm]?.stop();
    workers[arm] =
      arm === 'ours'
        ? await startOurWorker(h.ours, oursQueue, 'g4-our-worker', plan.cache)
        : await h.bare.startWorker(bareQueue, 'g4-bare-worker', plan.cache);
    const worker = workers[arm];
    await add(arm, plan.warm);
    const samples: Sample[] = [{ items: plan.warm, rssMb: await worker.rssMb() }];
    const step = (plan.cache - plan.warm) / plan.fillSamples;
    for (let i = 1; i <= plan.fillSamples; i++) {
      const target = Math.round(plan.warm + step * i);
      await add(arm, target - samples.at(-1)!.items);
      samples.push({ items: target, rssMb: await worker.rssMb() });
    }
    return {
      mbPerWorkflow: round(slope(samples.map((s) => ({ x: s.items, y: s.rssMb }))), 3),
      samples,
    };
  };

  try {
    const result = await runPairs({
      name: 'G4',
      warmup: plan.warmup,
      pairs: plan.pairs,
      ours: fill('ours'),
      bare: fill('bare'),
      // Below 0.01 MB per workflow the bare slope is noise: it counts as 0.01.
      ratio: (o, b) => o.mbPerWorkflow / Math.max(b.mbPerWorkflow, 0.01),
      describe: (r) =>
        `${r.mbPerWorkflow} MB/workflow, RSS ${r.samples[0]!.rssMb}→${r.samples.at(-1)!.rssMb} MB`,
      log,
    });

    // The last pair's workers go on past the cache: RSS should stay flat.
    const last = result.pairs.at(-1)!;
    const flat = {} as Record<
      'ours' | 'bare',
      { samples: Sample[]; mbPerItem: number; pass: boolean }
    >;
    for (const arm of ['ours', 'bare'] as const) {
      const samples: Sample[] = [last[arm].samples.at(-1)!];
      while (samples.at(-1)!.items < plan.flatMultiple * plan.cache) {
        const count = Math.ceil(plan.cache / 2);
        await add(arm, count);
        samples.push({ items: samples.at(-1)!.items + count, rssMb: await workers[arm]!.rssMb() });
      }
      const mbPerItem = round(slope(samples.map((s) => ({ x: s.items, y: s.rssMb }))), 4);
      flat[arm] = {
        samples,
        mbPerItem,
        pass: mbPerItem <= G4_FLAT_SHARE * Math.max(last[arm].mbPerWorkflow, G4_FLAT_FLOOR_MB),
      };
      log(
        `G4 ${arm} past the cache: ${mbPerItem} MB per further item (RSS ${samples[0]!.rssMb}→${samples.at(-1)!.rssMb} MB)`,
      );
    }

    const wake = {
      ours: await wakeCheck(h, plan, 'ours', add, (ids) =>
        forEachLimit(ids, plan.concurrency, (id) => watcher.until(id, 'published')),
      ),
      bare: await wakeCheck(h, plan, 'bare', add, (ids) =>
        forEachLimit(ids, plan.concurrency, (id) => h.bare.result(id)),
      ),
    };
    const ratio = result.ratio;
    // A pair in which RSS fell while the cache filled (the allocator or V8 handing pages back)
    // measured no memory per workflow: its negative ratio must not read as a pass.
    const unmeasuredPairs = result.pairs.filter(
      (p) => p.ours.mbPerWorkflow <= 0 || p.bare.mbPerWorkflow <= 0,
    ).length;
    return {
      ratio,
      pass:
        unmeasuredPairs === 0 && ratio.median <= G4_THRESHOLD && flat.ours.pass && wake.ours.pass,
      threshold: `MB per cached workflow (RSS slope while the cache fills) ours ÷ bare <= ${G4_THRESHOLD}, every pair with a rising RSS; past the cache, ours grows <= ${G4_FLAT_SHARE} × max(its per-workflow slope, ${G4_FLAT_FLOOR_MB} MB) per item; one post each on wake`,
      unmeasuredPairs,
      cache: plan.cache,
      setupApprovalsRetriedAfter503: api.retried503,
      oursMbPerWorkflow: spread(result.pairs.map((p) => p.ours.mbPerWorkflow)),
      bareMbPerWorkflow: spread(result.pairs.map((p) => p.bare.mbPerWorkflow)),
      flat,
      wake,
      pairs: result.pairs,
    };
  } finally {
    await Promise.all([workers.ours?.stop(), workers.bare?.stop(), api.child.stop()]);
  }
}

/**
 * More items than the cache holds, all due a little after the last is approved: the earliest are
 * evicted by the later ones and replayed when they wake. Each must post exactly once.
 */
async function wakeCheck(
  h: Harness,
  plan: G4Plan,
  arm: 'ours' | 'bare',
  add: (arm: 'ours' | 'bare', count: number, dueMs?: number) => Promise<string[]>,
  untilDone: (ids: string[]) => Promise<void>,
) {
  const count = Math.ceil(plan.wakeMultiple * plan.cache);
  // A lead sized from a probe batch: setup must end before the first item wakes.
  const probeStarted = Date.now();
  await add(arm, plan.concurrency);
  const perItemMs = (Date.now() - probeStarted) / plan.concurrency;
  const due = Date.now() + perItemMs * count * 1.5 + 10_000;
  const ids = await add(arm, count, due);
  const margin = round((due - Date.now()) / 1000, 1);
  await sleep(due - Date.now());
  await untilDone(ids);
  const ledger = await h.ledger();
  const posts = ids.map((id) => ledger.get(id));
  const early = posts.filter((p) => p && p.first < due).length;
  const notOne = posts.filter((p) => p?.count !== 1).length;
  return {
    items: count,
    marginSeconds: margin,
    early,
    notOnePost: notOne,
    pass: margin > 0 && early === 0 && notOne === 0,
  };
}
