// The review page's line diff: right on real edits, and bounded on hostile pairs of versions
// (the old quadratic table froze the tab on two long versions). Costs are CPU time compared
// within this run, never absolute.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { diffLines } from '../../review/src/diff';

function lines(count: number, prefix: string): string {
  return Array.from({ length: count }, (_, i) => `${prefix} line ${i}`).join('\n');
}

function cpuMs(work: () => void): number {
  const start = process.cpuUsage();
  work();
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
}

/** Median over a few runs, so one pause on a loaded machine does not decide. */
function medianCpuMs(work: () => void): number {
  const runs = Array.from({ length: 5 }, () => cpuMs(work)).sort((a, b) => a - b);
  return runs[2] ?? Infinity;
}

describe('diffLines', () => {
  it('when a line changes between versions, then it is shown removed and added among the same ones', () => {
    const { lines: diff, note } = diffLines('a\nb\nc\nd', 'a\nB\nc\nd\ne');
    assert.equal(note, null);
    assert.deepEqual(diff, [
      { kind: 'same', text: 'a' },
      { kind: 'removed', text: 'b' },
      { kind: 'added', text: 'B' },
      { kind: 'same', text: 'c' },
      { kind: 'same', text: 'd' },
      { kind: 'added', text: 'e' },
    ]);
  });

  it('when the versions are equal, then every line is the same', () => {
    const text = lines(50, 'same');
    assert.ok(diffLines(text, text).lines.every((line) => line.kind === 'same'));
  });

  it('when two long versions share no line, then the plain fallback is shown, cut and explained', () => {
    const { lines: diff, note } = diffLines(lines(4_000, 'old'), lines(4_000, 'new'));
    assert.match(note ?? '', /differ too much to compare line by line/);
    assert.match(note ?? '', /The first 2,000 of 8,000 lines are shown/);
    assert.equal(diff.length, 2_000);
    assert.ok(diff.every((line) => line.kind === 'removed'));
  });

  it('when the versions are over the compared size, then they are not compared at all', () => {
    const { note } = diffLines(lines(6_000, 'x'), lines(6_000, 'x'));
    assert.match(note ?? '', /differ too much/);
  });

  it('when two versions grow twentyfold, then the diff costs at most twentyfold, not four hundredfold', () => {
    // Totally different versions are the worst case for both the old table and Myers' algorithm.
    const small = medianCpuMs(() => diffLines(lines(250, 'old'), lines(250, 'new')));
    const large = medianCpuMs(() => diffLines(lines(4_999, 'old'), lines(4_999, 'new')));
    const growth = large / Math.max(small, 1);
    assert.ok(growth <= 20, `20× the lines cost ${growth.toFixed(1)}× (limit 20×)`);
  });

  it('when a long version has a few edits, then they are found line by line', () => {
    const before = lines(1_800, 'post');
    const after = before.replace('post line 900', 'post line 900 edited');
    const { lines: diff, note } = diffLines(before, after);
    assert.equal(note, null);
    assert.deepEqual(
      diff.filter((line) => line.kind !== 'same'),
      [
        { kind: 'removed', text: 'post line 900' },
        { kind: 'added', text: 'post line 900 edited' },
      ],
    );
  });
});
