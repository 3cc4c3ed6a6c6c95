// A line diff between two versions' Markdown, bounded so no pair of versions can freeze the tab:
// Myers' algorithm (the `diff` package) gives up past MAX_EDITS changed lines, versions longer
// than MAX_COMPARED_LINES are not compared at all, and at most MAX_SHOWN_LINES are shown. Past
// a bound the page shows the plain fallback, old version removed and new version added, and says
// so. Posts are a few dozen lines, far inside every bound.
import { diffArrays } from 'diff';

export type DiffLine = { kind: 'same' | 'added' | 'removed'; text: string };
/** `note` says why the lines are not a line-by-line comparison, or are cut; null otherwise. */
export type LineDiff = { lines: DiffLine[]; note: string | null };

/** Lines of both versions together above which they are not compared line by line. */
const MAX_COMPARED_LINES = 10_000;
/** Changed lines (added plus removed) after which the comparison gives up. */
const MAX_EDITS = 1_000;
/** Lines shown at most; a diff is for reading, not for scrolling through a whole book. */
const MAX_SHOWN_LINES = 2_000;

export function diffLines(before: string, after: string): LineDiff {
  const a = before.split('\n');
  const b = after.split('\n');
  const compared = a.length + b.length <= MAX_COMPARED_LINES ? compare(a, b) : undefined;
  if (compared === undefined) {
    return cut(
      [...kind('removed', a), ...kind('added', b)],
      'These versions differ too much to compare line by line: the old one is shown removed and the new one added.',
    );
  }
  return cut(compared, null);
}

/**
 * Lines are compared as numbers (one per distinct line), so the algorithm's many comparisons
 * cost the same however long a line is. Undefined when there are more than MAX_EDITS changes.
 */
function compare(a: string[], b: string[]): DiffLine[] | undefined {
  const ids = new Map<string, number>();
  const idOf = (line: string) => {
    let id = ids.get(line);
    if (id === undefined) ids.set(line, (id = ids.size));
    return id;
  };
  const changes = diffArrays(a.map(idOf), b.map(idOf), { maxEditLength: MAX_EDITS });
  if (changes === undefined) return undefined;
  const out: DiffLine[] = [];
  let inA = 0;
  let inB = 0;
  for (const change of changes) {
    const source = change.added ? b : a;
    const start = change.added ? inB : inA;
    const kindOf = change.added ? 'added' : change.removed ? 'removed' : 'same';
    out.push(...kind(kindOf, source.slice(start, start + change.count)));
    if (!change.added) inA += change.count;
    if (!change.removed) inB += change.count;
  }
  return out;
}

function kind(which: DiffLine['kind'], lines: string[]): DiffLine[] {
  return lines.map((text) => ({ kind: which, text }));
}

function cut(lines: DiffLine[], note: string | null): LineDiff {
  if (lines.length <= MAX_SHOWN_LINES) return { lines, note };
  const shown = `The first ${MAX_SHOWN_LINES.toLocaleString('en-US')} of ${lines.length.toLocaleString('en-US')} lines are shown.`;
  return { lines: lines.slice(0, MAX_SHOWN_LINES), note: note ? `${note} ${shown}` : shown };
}
