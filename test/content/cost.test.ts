// Validation cost grows linearly with the body, whatever Markdown it holds: a hostile body costs
// at most FACTOR times a prose body of the same length. Costs are CPU time of this process
// (other processes on a loaded machine do not count), compared pair by pair within one run
// (prose, hostile, prose, hostile, …) and judged on the median ratio, never on absolute times.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { prepareContent } from '../../content/index';
import { markdownComplexityIssue } from '../../content/markdown-guard';
import { doc, VALID_FRONTMATTER } from './helpers';

/** Measured worst case is about 4× (docs/security.md); the margin absorbs a noisy machine. */
const FACTOR = 8;
const PAIRS = 5;
/** Every body may use a fixed allowance of structure, so shorter ones compare with this size. */
const SMALLEST_COMPARED = 3000;

const PROSE =
  'Lorem ipsum dolor sit amet consectetur adipiscing elit sed do.\n' +
  'Ut enim ad minim veniam quis nostrud exercitation ullamco.\n\n';

// Constructs that are super-linear in micromark (setext underlines, nesting changes), or
// linear but dear (list items, definitions, links, inline HTML, autolinks, references).
const HOSTILE_UNITS = [
  'a\n=\n',
  'a\n-\n',
  '- - - - - - a\n',
  '- > a\n',
  '> - a\n',
  '- a\n',
  '1. a\n',
  '- [ ] a\n',
  '- a\nb\n',
  '- a\n  b\n',
  'a\n>\n',
  'a\n\n',
  'a\n',
  '# a\n',
  '|a|b|\n',
  '[a]: b\n',
  '[^a]: b\n',
  '[a](b) ',
  '<a>',
  'a@b.c ',
  'www.a.b ',
  'http://a.b ',
  '&#1; ',
  '~~a~~ ',
  'a\\\n',
  '\\',
];
const TOKENS = [...new Set([...HOSTILE_UNITS, ...'*_`[]()<>!#&|=-+>.:@ \n\t'.split('')])];

const document = (body: string) => doc(VALID_FRONTMATTER, body);

function prose(length: number): string {
  return PROSE.repeat(Math.ceil(length / PROSE.length)).slice(0, length);
}

/**
 * The costliest body of `length` characters the guard still accepts for a unit: as many
 * repetitions as it allows, after prose (so every repetition meets all the events before it).
 */
function densest(unit: string, length: number): string {
  const body = (count: number) => {
    const hostile = unit.repeat(count);
    return `${prose(Math.max(0, length - hostile.length - 1))}\n${hostile}`;
  };
  let low = 0;
  let high = Math.floor(length / unit.length);
  while (low < high) {
    const middle = (low + high + 1) >> 1;
    if (markdownComplexityIssue(body(middle).normalize('NFC')) === undefined) low = middle;
    else high = middle - 1;
  }
  return body(low);
}

function cpuMs(work: () => void): number {
  const start = process.cpuUsage();
  work();
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
}

function medianRatio(plain: string, hostile: string): number {
  const ratios: number[] = [];
  for (let pair = 0; pair < PAIRS; pair++) {
    const base = cpuMs(() => prepareContent(plain));
    const cost = cpuMs(() => prepareContent(hostile));
    ratios.push(cost / Math.max(base, 0.05));
  }
  return ratios.sort((a, b) => a - b)[PAIRS >> 1] ?? Infinity;
}

function assertBounded(body: string, length: number, what: string): void {
  const ratio = medianRatio(document(prose(Math.max(length, SMALLEST_COMPARED))), document(body));
  // `COST_REPORT=1 npm test -- test/content/cost.test.ts` prints every ratio (docs/security.md).
  if (process.env.COST_REPORT) console.log(`${what.padEnd(24)} ${length} ${ratio.toFixed(2)}`);
  assert.ok(
    ratio <= FACTOR,
    `${what} at ${length} characters costs ${ratio.toFixed(1)}× prose (limit ${FACTOR}×)`,
  );
}

describe('validation cost', () => {
  // JIT and parser caches warm up before anything is compared.
  for (let run = 0; run < 5; run++) prepareContent(document(prose(12_000)));

  for (const length of [2_000, 12_000]) {
    it(`when a ${length}-character body is as dense in a costly construct as allowed, then it costs at most ${FACTOR}× prose`, () => {
      for (const unit of HOSTILE_UNITS) {
        assertBounded(densest(unit, length), length, JSON.stringify(unit));
      }
    });

    it(`when a ${length}-character body is nothing but a costly construct, then it is refused before parsing or costs at most ${FACTOR}× prose`, () => {
      for (const unit of HOSTILE_UNITS) {
        const body = unit.repeat(Math.ceil(length / unit.length)).slice(0, length);
        if (markdownComplexityIssue(body) === undefined) {
          assertBounded(body, length, `only ${JSON.stringify(unit)}`);
        }
      }
    });
  }

  it(`when a 12,000-character body mixes constructs at random, then it costs at most ${FACTOR}× prose`, () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...TOKENS), { minLength: 1, maxLength: 8 }), (parts) => {
        const unit = parts.join('');
        assertBounded(densest(unit, 12_000), 12_000, JSON.stringify(unit));
      }),
      { numRuns: 15 },
    );
  });

  it('when the body has thousands of setext headings or nested list lines, then it is refused before parsing', () => {
    for (const unit of ['a\n=\n', 'a\n-\n', '- - - - - - a\n', '- a\n', '[a](b) ']) {
      const result = prepareContent(document(unit.repeat(Math.floor(12_000 / unit.length))));
      assert.ok(!result.ok, unit);
      assert.deepEqual(
        result.issues.map((issue) => issue.code),
        ['BODY_TOO_COMPLEX'],
        unit,
      );
    }
  });
});
