// The bench's statistics: what its gates are computed from. No timing involved.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { distribution, percentile, slope, spread } from '../../bench/stats';

describe('bench statistics', () => {
  it('when samples are recorded, then the HDR percentiles stay within 0.1 % and never exceed the largest sample', () => {
    const samples = Array.from({ length: 1000 }, (_, i) => i + 1);
    const d = distribution(samples);
    assert.equal(d.count, 1000);
    assert.equal(d.min, 1);
    assert.equal(d.max, 1000);
    assert.ok(Math.abs(d.p50 - 500) <= 0.5, `p50 ${d.p50}`);
    assert.ok(Math.abs(d.p90 - 900) <= 0.9, `p90 ${d.p90}`);
    assert.ok(Math.abs(d.p99 - 990) <= 1, `p99 ${d.p99}`);
    const one = distribution([7.25]);
    assert.ok(one.p99 <= one.max, `p99 ${one.p99} max ${one.max}`);
  });

  it('when a sample is negative (an early post), then it counts as 0 in the histogram', () => {
    const d = distribution([-5, 10, 20]);
    assert.equal(d.min, 0);
    assert.equal(d.max, 20);
  });

  it('when there are no samples, then every figure is NaN rather than a made-up 0', () => {
    const d = distribution([]);
    assert.equal(d.count, 0);
    assert.ok(Number.isNaN(d.p99) && Number.isNaN(d.max));
  });

  it('when pair ratios are spread, then the gate statistic is their median with min and max', () => {
    assert.deepEqual(spread([3, 1, 2]), { median: 2, min: 1, max: 3 });
    assert.deepEqual(spread([4, 1, 2, 3]), { median: 2.5, min: 1, max: 4 });
  });

  it('when RSS grows linearly with noise, then the least-squares slope recovers the MB per workflow', () => {
    const points = [0, 20, 40, 60, 80, 100].map((x, i) => ({
      x,
      y: 300 + 1.5 * x + (i % 2 ? 2 : -2),
    }));
    assert.ok(Math.abs(slope(points) - 1.5) < 0.05, `slope ${slope(points)}`);
    assert.ok(Number.isNaN(slope([{ x: 1, y: 1 }])));
  });

  it('when an exact percentile is asked of a sorted array, then it is the nearest rank', () => {
    assert.equal(percentile([1, 2, 3, 4], 50), 2);
    assert.equal(percentile([1, 2, 3, 4], 99), 4);
  });
});
