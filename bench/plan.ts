// How big each goal runs. The full plan follows RELIABILITY.md §5 (a warm-up pair, then 5 pairs;
// G2's 200 items; G4 to 5 × the cache) at sizes that fit one run on 2 cores (~50 min, estimated).
// BENCH_QUICK=1 is a smoke run of a few minutes: it checks the harness, its figures mean nothing.
// BENCH_GOALS=G3,G7 runs only those goals.
import type { G1Plan } from './g1-throughput';
import type { G2Plan } from './g2-lateness';
import type { G3Plan } from './g3-approve-latency';
import type { G4Plan } from './g4-memory';
import type { G5Plan } from './g5-worker-kill';
import type { G6Plan } from './g6-server-restart';
import type { G7Plan } from './g7-audit';

export const GOALS = ['G1', 'G2', 'G3', 'G4', 'G5', 'G6', 'G7'] as const;
export type GoalName = (typeof GOALS)[number];

export interface Plan {
  quick: boolean;
  goals: GoalName[];
  g1: G1Plan;
  g2: G2Plan;
  g3: G3Plan;
  g4: G4Plan;
  g5: G5Plan;
  g6: G6Plan;
  g7: G7Plan;
}

const full: Omit<Plan, 'goals'> = {
  quick: false,
  g1: { items: 60, concurrency: 20, warmup: 1, pairs: 5 },
  g2: {
    items: 200,
    concurrency: 20,
    warmup: 1,
    pairs: 5,
    firstLeadMs: { ours: 60_000, bare: 30_000 },
  },
  g3: {
    // One approval every 4 s per editor: 2.5/s at 10 editors, 12.5/s at 50.
    levels: [
      { editors: 10, requestsPerEditor: 4 },
      { editors: 50, requestsPerEditor: 2 },
    ],
    intervalMs: 4000,
    warmup: 1,
    pairs: 5,
    poolConcurrency: 20,
    repeats: 3,
  },
  g4: {
    // 200, not 100: at 100 the ~20 MB a fill adds was within a pair's noise (one arm's start RSS
    // sat 37 MB apart from pair to pair; per-pair ratios -0.16 to 2.65 in one run).
    cache: 200,
    warm: 20,
    fillSamples: 6,
    flatMultiple: 5,
    wakeMultiple: 1.5,
    concurrency: 20,
    warmup: 1,
    pairs: 5,
  },
  g5: { pairs: 2, restartAfterMs: 2000 },
  g6: {
    overdue: 50,
    perState: 5,
    outageMs: 10_000,
    concurrency: 20,
    warmup: 1,
    pairs: 5,
    firstLeadMs: { ours: 40_000, bare: 20_000 },
  },
  g7: { writers: 16, seconds: 5, warmup: 1, pairs: 5 },
};

const quick: Omit<Plan, 'goals'> = {
  quick: true,
  g1: { items: 10, concurrency: 10, warmup: 0, pairs: 1 },
  g2: {
    items: 20,
    concurrency: 10,
    warmup: 0,
    pairs: 1,
    firstLeadMs: { ours: 20_000, bare: 10_000 },
  },
  g3: {
    levels: [
      { editors: 2, requestsPerEditor: 2 },
      { editors: 5, requestsPerEditor: 1 },
    ],
    intervalMs: 1000,
    warmup: 0,
    pairs: 1,
    poolConcurrency: 10,
    repeats: 1,
  },
  g4: {
    cache: 10,
    warm: 2,
    fillSamples: 2,
    flatMultiple: 5,
    wakeMultiple: 1.5,
    concurrency: 10,
    warmup: 0,
    pairs: 1,
  },
  g5: { pairs: 1, restartAfterMs: 2000 },
  g6: {
    overdue: 10,
    perState: 2,
    outageMs: 8_000,
    concurrency: 10,
    warmup: 0,
    pairs: 1,
    firstLeadMs: { ours: 20_000, bare: 10_000 },
  },
  g7: { writers: 16, seconds: 2, warmup: 0, pairs: 1 },
};

export function planFor(env: NodeJS.ProcessEnv): Plan {
  const goals = (env.BENCH_GOALS ?? GOALS.join(','))
    .split(',')
    .map((g) => g.trim().toUpperCase())
    .filter(Boolean);
  const unknown = goals.filter((g) => !GOALS.includes(g as GoalName));
  if (unknown.length > 0) {
    throw new Error(`BENCH_GOALS: unknown ${unknown.join(', ')} (known: ${GOALS.join(', ')})`);
  }
  return { ...(env.BENCH_QUICK === '1' ? quick : full), goals: goals as GoalName[] };
}
