import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { CONTENT_ISSUE_CODES, OUTLET_LIMITS, parseInstant } from '../../contracts/content';
import { parseContent } from '../../content/parse';
import { renderForOutlet } from '../../content/sanitize';
import { firstUnescapedReserved, VALID_FRONTMATTER } from './helpers';

const LIMIT = OUTLET_LIMITS.linkedin;
const KNOWN_CODES: readonly string[] = CONTENT_ISSUE_CODES;

// Characters that matter to Markdown, little text, Unicode normalization and the sanitizer.
const TRICKY = [
  ...'\\|{}@[]()<>#*_~`!-+=.:/ \n\t\r&;',
  'a',
  'Z',
  '1',
  'é',
  'e\u0301',
  '\u0338',
  '日',
  '👍',
  '👨‍👩‍👧',
  '\u200D',
  '\u200B',
  '\u202E',
  '\uFEFF',
  '\u0000',
  '\uD800',
  '\uDC00',
  '&amp;',
  '&#x202E;',
  '&#0;',
  '<script>',
  '</script>',
  '<!--',
  '-->',
  '# ',
  '> ',
  '- ',
  '1. ',
  '```',
  '|---|',
  'http://x.y/#a',
  'www.a.b',
  '#tag',
];
const trickyText = fc
  .array(fc.constantFrom(...TRICKY), { maxLength: 200 })
  .map((parts) => parts.join(''));
const anyText = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 300 }),
  fc.string({ unit: 'grapheme', maxLength: 300 }),
  trickyText,
);

function checkRendered(body: string, sanitize: boolean): void {
  const result = renderForOutlet(body, { sanitize, outlet: 'linkedin' });
  if (!result.ok) {
    assert.ok(result.issues.length > 0);
    for (const issue of result.issues) assert.ok(KNOWN_CODES.includes(issue.code), issue.code);
    return;
  }
  const { text, length } = result.rendered;
  assert.ok(length <= LIMIT, `length ${length}`);
  assert.equal(length, text.length);
  assert.notEqual(text.trim(), '');
  assert.equal(firstUnescapedReserved(text), undefined, JSON.stringify(text));
  assert.equal(text, text.normalize('NFC'));
  assert.ok(!text.includes('\0') && !text.includes('\r'));
  if (sanitize) {
    assert.ok(!/[ \t]$/m.test(text), 'no trailing whitespace');
    // eslint-disable-next-line no-control-regex -- sanitized text must hold no control characters
    assert.ok(!/[\u0000-\u0009\u000B-\u001F\u007F-\u009F\u200B\uFEFF\u202A-\u202E]/.test(text));
  }
}

describe('properties: renderForOutlet', () => {
  it('when given any text, then the output has no unescaped reserved character and fits, or is an issue', () => {
    fc.assert(
      fc.property(anyText, fc.boolean(), (body, sanitize) => checkRendered(body, sanitize)),
      { numRuns: 1500 },
    );
  });

  it('when given long text, then it is either within the limit or TOO_LONG, never cut', () => {
    fc.assert(
      fc.property(
        trickyText,
        fc.integer({ min: 1, max: 60 }),
        fc.boolean(),
        (unit, times, sanitize) => {
          const body = unit.repeat(times);
          checkRendered(body, sanitize);
          const result = renderForOutlet(body, { sanitize, outlet: 'linkedin' });
          if (!result.ok && result.issues.some((issue) => issue.code === 'TOO_LONG')) {
            assert.match(result.issues[0]?.message ?? '', /is \d+ characters; the limit is 3000/);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('when the same text comes in NFC or NFD, then the result is identical', () => {
    const texts = fc.oneof(fc.string({ unit: 'grapheme', maxLength: 200 }), trickyText);
    fc.assert(
      fc.property(texts, fc.boolean(), (body, sanitize) => {
        const nfc = renderForOutlet(body.normalize('NFC'), { sanitize, outlet: 'linkedin' });
        const nfd = renderForOutlet(body.normalize('NFD'), { sanitize, outlet: 'linkedin' });
        // Positions of issues and warnings differ (NFD is longer); what is posted does not.
        if (nfc.ok) {
          assert.ok(nfd.ok);
          assert.deepEqual(nfd.rendered, nfc.rendered);
          assert.deepEqual(
            nfd.warnings.map((w) => w.code),
            nfc.warnings.map((w) => w.code),
          );
        } else {
          assert.deepEqual(codes(nfd), codes(nfc));
        }
      }),
      { numRuns: 1000 },
    );
  });
});

function codes(result: ReturnType<typeof renderForOutlet>): string[] {
  return result.ok ? [] : result.issues.map((issue) => issue.code);
}

describe('properties: parseContent', () => {
  const yamlish = fc
    .array(
      fc.constantFrom(
        ...'{}[]&*!:-?|>#\'"%@`,\t \n'.split(''),
        'status',
        'ready',
        'version',
        '1',
        'outlets',
        'linkedin',
        '<<',
        '---',
        '...',
        '!!js/function',
        '__proto__',
        '\uFEFF',
        '\0',
        '\uD800',
        'é',
        '2026-12-01T09:00:00Z',
      ),
      { maxLength: 80 },
    )
    .map((parts) => parts.join(''));

  it('when given any string, then it returns a result and never throws', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.string({ unit: 'binary', maxLength: 400 }), trickyText),
        (markdown) => {
          const result = parseContent(markdown);
          assert.equal(typeof result.ok, 'boolean');
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('when the frontmatter is arbitrary YAML-like text, then issues carry known codes', () => {
    fc.assert(
      fc.property(yamlish, trickyText, (frontmatter, body) => {
        const result = parseContent(`---\n${frontmatter}\n---\n${body}`);
        if (result.ok) return;
        for (const issue of result.issues) {
          assert.ok(KNOWN_CODES.includes(issue.code), issue.code);
          assert.ok(!issue.message.includes('\0') && !issue.path.includes('\0'));
        }
        assert.equal(Object.prototype.hasOwnProperty.call(Object.prototype, 'status'), false);
      }),
      { numRuns: 1000 },
    );
  });

  it('when valid frontmatter carries an arbitrary body, then the body comes back unchanged', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 300 }), (body) => {
        const clean = body.replace(/\r/g, '').replace(/\0/g, '');
        const result = parseContent(['---', ...VALID_FRONTMATTER, '---', clean].join('\n'));
        assert.ok(result.ok);
        assert.equal(result.item.body, clean);
      }),
      { numRuns: 300 },
    );
  });
});

describe('properties: scheduled instants', () => {
  const instants = fc.date({
    min: new Date('1970-01-01T00:00:00Z'),
    max: new Date('2999-12-31T23:59:59Z'),
    noInvalidDate: true,
  });

  it('when an instant is written with Z or any offset, then it normalizes to the same UTC string', () => {
    fc.assert(
      fc.property(
        instants,
        fc.integer({ min: -23 * 60 - 59, max: 23 * 60 + 59 }),
        (date, offsetMinutes) => {
          const iso = date.toISOString();
          assert.deepEqual(parseInstant(iso), { ok: true, iso });
          const local = new Date(date.getTime() + offsetMinutes * 60_000)
            .toISOString()
            .slice(0, 23);
          const sign = offsetMinutes < 0 ? '-' : '+';
          const abs = Math.abs(offsetMinutes);
          const offset = `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
          assert.deepEqual(parseInstant(local + offset), { ok: true, iso });
          assert.equal(parseInstant(local).ok, false);
        },
      ),
      { numRuns: 500 },
    );
  });
});
