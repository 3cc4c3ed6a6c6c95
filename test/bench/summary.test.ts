// The printed summary the lead reads: one line per goal, G1–G7, never a silent gap.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { summaryLines, type Goal } from '../../bench/summary';

describe('bench summary', () => {
  it('when some goals ran and one failed to run, then every goal G1–G7 has a line saying which', () => {
    const g7: Goal = {
      ratio: { median: 4.2, min: 3.9, max: 4.6 },
      pass: true,
      manyPerSecond: { median: 420, min: 400, max: 450 },
      onePerSecond: { median: 100, min: 98, max: 104 },
      writers: 16,
    };
    const lines = summaryLines({ G7: g7 }, ['G6', 'G7']);
    assert.equal(lines.length, 7);
    assert.match(lines[0]!, /^G1 {2}not run/);
    assert.match(lines[5]!, /^G6 {2}FAILED TO RUN/);
    assert.match(
      lines[6]!,
      /^G7 {2}4\.20 \[3\.90–4\.60\] {2}PASS .*420\/s at 16 writers vs 100\/s at 1/,
    );
  });

  it('when a goal misses, then its line says MISS', () => {
    const g7: Goal = {
      ratio: { median: 1, min: 1, max: 1 },
      pass: false,
      manyPerSecond: { median: 100, min: 100, max: 100 },
      onePerSecond: { median: 100, min: 100, max: 100 },
      writers: 16,
    };
    assert.match(summaryLines({ G7: g7 }, ['G7'])[6]!, /MISS/);
  });

  it('when RSS fell in some G4 pairs, then the line says those pairs measured nothing', () => {
    const g4: Goal = {
      ratio: { median: -0.09, min: -1.35, max: 2.08 },
      pass: false,
      cache: 100,
      oursMbPerWorkflow: { median: -0.019, min: -0.203, max: 0.404 },
      bareMbPerWorkflow: { median: 0.196, min: 0.15, max: 0.294 },
      flat: { ours: { mbPerItem: 0.016, pass: true } },
      wake: { ours: { pass: true, notOnePost: 0 } },
      unmeasuredPairs: 3,
    };
    const line = summaryLines({ G4: g4 }, ['G4'])[3]!;
    assert.match(line, /^G4 .*MISS/);
    assert.match(line, /3 pair\(s\) with falling RSS measured nothing/);
  });
});
