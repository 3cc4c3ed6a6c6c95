// The harness rule (RELIABILITY.md §5): arms interleaved A B A B, a discarded warm-up pair, then
// the gate on the median of the per-pair ratios, with min and max and every pair's absolutes.
import { spread, type Spread } from './stats';

export interface PairPlan<A, B = A> {
  name: string;
  warmup: number;
  pairs: number;
  ours: (pair: number) => Promise<A>;
  bare: (pair: number) => Promise<B>;
  /** ours relative to bare, oriented so the goal reads as in RELIABILITY.md. */
  ratio: (ours: A, bare: B) => number;
  log: (line: string) => void;
  describe?: (value: A | B) => string;
}

export interface PairResult<A, B = A> {
  ratio: Spread;
  pairs: { ours: A; bare: B; ratio: number }[];
}

export async function runPairs<A, B = A>(plan: PairPlan<A, B>): Promise<PairResult<A, B>> {
  const pairs: PairResult<A, B>['pairs'] = [];
  const show = plan.describe ?? ((v: A | B) => JSON.stringify(v));
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
