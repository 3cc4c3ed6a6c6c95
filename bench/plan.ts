// How big each goal runs. RELIABILITY.md §5 asks for more (500 items for G1, 10,000 sleeping for
// G4); these sizes are what fits `npm run bench` in 20 minutes on 2 cores, where the dev server's
// single SQLite connection makes a few items per second. BENCH_QUICK=1 is a smoke run (~3 min).
import type { G1Plan } from './g1-throughput';
import type { G3Plan } from './g3-approve-latency';
import type { G5Plan } from './g5-worker-kill';

export interface Plan {
  budgetMinutes: number;
  startRateProbe: number;
  g1: G1Plan;
  g2: { items: number; concurrency: number; pairs: number };
  g3: G3Plan;
  g4: { cache: number; warmItems: number; targetItems: number; batch: number; concurrency: number };
  g5: G5Plan;
}

const full: Plan = {
  budgetMinutes: 20,
  startRateProbe: 100,
  g1: { items: 40, concurrency: 20, warmup: 1, pairs: 5 },
  g2: { items: 200, concurrency: 20, pairs: 2 },
  g3: {
    // One approval every 4 s per editor: 2.5/s at 10 editors, 12.5/s at 50.
    levels: [
      { editors: 10, requestsPerEditor: 2 },
      { editors: 50, requestsPerEditor: 1 },
    ],
    intervalMs: 4000,
    warmup: 1,
    pairs: 5,
    poolConcurrency: 20,
  },
  // A small cache so the item count can pass it many times over within the budget.
  g4: { cache: 100, warmItems: 10, targetItems: 2000, batch: 200, concurrency: 20 },
  g5: { pairs: 2, restartAfterMs: 2000 },
};

const quick: Plan = {
  budgetMinutes: 6,
  startRateProbe: 20,
  g1: { items: 10, concurrency: 10, warmup: 1, pairs: 1 },
  g2: { items: 20, concurrency: 10, pairs: 1 },
  g3: {
    levels: [
      { editors: 2, requestsPerEditor: 2 },
      { editors: 5, requestsPerEditor: 1 },
    ],
    intervalMs: 1000,
    warmup: 0,
    pairs: 1,
    poolConcurrency: 10,
  },
  g4: { cache: 10, warmItems: 5, targetItems: 40, batch: 10, concurrency: 10 },
  g5: { pairs: 1, restartAfterMs: 2000 },
};

export function planFor(env: NodeJS.ProcessEnv): Plan {
  return env.BENCH_QUICK === '1' ? quick : full;
}
