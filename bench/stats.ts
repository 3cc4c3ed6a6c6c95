// Latency distributions (HDR histograms, 3 significant digits, microsecond units), the pair
// statistic and a least-squares slope. With few samples (tens), p99 is simply one of the largest
// samples: the JSON keeps the sample count beside every distribution.
import { build } from 'hdr-histogram-js';

export interface Distribution {
  count: number;
  min: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

/** Milliseconds in, milliseconds out; negative values count as 0 (callers count "early"). */
export function distribution(samplesMs: number[]): Distribution {
  const histogram = build({
    bitBucketSize: 64,
    lowestDiscernibleValue: 1,
    highestTrackableValue: 3_600_000_000,
    numberOfSignificantValueDigits: 3,
  });
  for (const ms of samplesMs) histogram.recordValue(Math.max(1, Math.round(ms * 1000)));
  const max = Math.max(...samplesMs);
  // HDR reports the highest value equivalent to the bucket: never above the largest sample.
  const at = (p: number) => round(Math.min(histogram.getValueAtPercentile(p) / 1000, max));
  const result = {
    count: samplesMs.length,
    min: samplesMs.length ? round(Math.max(0, Math.min(...samplesMs))) : Number.NaN,
    p50: samplesMs.length ? at(50) : Number.NaN,
    p90: samplesMs.length ? at(90) : Number.NaN,
    p99: samplesMs.length ? at(99) : Number.NaN,
    max: samplesMs.length ? round(max) : Number.NaN,
  };
  histogram.destroy();
  return result;
}

export interface Spread {
  median: number;
  min: number;
  max: number;
}

/** The gate statistic: median of the per-pair values, with their range. */
export function spread(values: number[]): Spread {
  if (values.length === 0) return { median: Number.NaN, min: Number.NaN, max: Number.NaN };
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length / 2;
  const median =
    sorted.length % 2 === 1 ? sorted[Math.floor(mid)]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return { median: round(median, 3), min: round(sorted[0]!, 3), max: round(sorted.at(-1)!, 3) };
}

/** Least-squares slope of y over x. */
export function slope(points: { x: number; y: number }[]): number {
  const n = points.length;
  if (n < 2) return Number.NaN;
  const mx = points.reduce((s, p) => s + p.x, 0) / n;
  const my = points.reduce((s, p) => s + p.y, 0) / n;
  const sxy = points.reduce((s, p) => s + (p.x - mx) * (p.y - my), 0);
  const sxx = points.reduce((s, p) => s + (p.x - mx) ** 2, 0);
  return sxx === 0 ? Number.NaN : sxy / sxx;
}

export function round(value: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/** Nearest-rank percentile of an ascending array (p in 0..100): the profiles' exact p50s. */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}
