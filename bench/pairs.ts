// The harness rule (RELIABILITY.md §5): arms interleaved A B A B, a discarded warm-up pair, then
// the gate on the median of the per-pair ratios, with min and max and every pair's absolutes.
import { spread, type Spread } from './stats';

export interface PairPlan<T> {
  name: string;
  warmup: number;
  pairs: number;
  ours: (pair: number) => Promise<T>;
  bare: (pair: number) => Promise<T>;
  /** ours relative to bare, oriented so the goal reads as in RELIABILITY.md. */
  ratio: (ours: T, bare: T) => number;
  log: (line: string) => void;
  describe?: (value: T) => string;
}

export interface PairResult<T> {
  ratio: Spread;
  pairs: { ours: T; bare: T; ratio: number }[];
}

export async function runPairs<T>(plan: PairPlan<T>): Promise<PairResult<T>> {
  const pairs: PairResult<T>['pairs'] = [];
  const show = plan.describe ?? ((v: T) => JSON.stringify(v));
  for (let i = 0; i < plan.warmup + plan.pairs; i++) {
    const warm = i < plan.warmup;
    const ours = await plan.ours(i);
    const bare = await plan.bare(i);
    const ratio = plan.ratio(ours, bare);
    plan.log(
      `${plan.name} ${warm ? 'warm-up' : `pair ${i - plan.warmup + 1}/${plan.pairs}`}: ours ${show(ours)} | bare ${show(bare)} | ratio ${ratio.toFixed(3)}`,
    );
    if (!warm) pairs.push({ ours, bare, ratio });
  }
  return { ratio: spread(pairs.map((p) => p.ratio)), pairs };
}
