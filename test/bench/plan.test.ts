// Which goals a bench run covers and at what size. No timing involved.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GOALS, planFor } from '../../bench/plan';

describe('bench plan', () => {
  it('when nothing is chosen, then the full plan runs every goal with a warm-up pair and 5 pairs', () => {
    const plan = planFor({});
    assert.deepEqual(plan.goals, [...GOALS]);
    assert.equal(plan.quick, false);
    for (const goal of [plan.g1, plan.g2, plan.g3, plan.g4, plan.g6, plan.g7]) {
      assert.equal(goal.warmup, 1);
      assert.ok(goal.pairs >= 5);
    }
    assert.equal(plan.g1.concurrency, 20);
    assert.equal(plan.g2.items, 200);
    assert.deepEqual(
      plan.g3.levels.map((l) => l.editors),
      [10, 50],
    );
    assert.equal(plan.g7.writers, 16);
  });

  it('when BENCH_QUICK=1 and BENCH_GOALS name two goals, then only those run, small', () => {
    const plan = planFor({ BENCH_QUICK: '1', BENCH_GOALS: 'g3, G7' });
    assert.deepEqual(plan.goals, ['G3', 'G7']);
    assert.equal(plan.quick, true);
    assert.ok(plan.g2.items < 200);
  });

  it('when BENCH_GOALS names an unknown goal, then the run refuses to start and names it', () => {
    assert.throws(() => planFor({ BENCH_GOALS: 'G1,G9' }), /unknown G9/);
  });
});
