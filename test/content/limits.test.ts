// Bounded answers to hostile documents: capped issue lists, a frontmatter that is refused before
// the YAML parser sees it, structure allowances that grow with the body, and warnings (not
// errors) for invisible characters that `sanitize: false` would post.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MAX_LISTED_ISSUES, prepareContent } from '../../content/index';
import { parseContent } from '../../content/parse';
import { renderForOutlet } from '../../content/sanitize';
import { doc, issueWith, renderIssues, VALID_FRONTMATTER } from './helpers';

const FIELDS_BUT_OUTLETS = VALID_FRONTMATTER.filter((line) => !line.startsWith('outlets'));

describe('issue lists', () => {
  it('when the frontmatter lists 150 unknown outlets, then 50 issues and a count of the rest come back', () => {
    const outlets = `outlets: [${Array.from({ length: 150 }, (_, i) => `x${i}`).join(', ')}]`;
    const result = parseContent(doc([...FIELDS_BUT_OUTLETS, outlets]));
    assert.ok(!result.ok);
    assert.equal(result.issues.length, MAX_LISTED_ISSUES + 1);
    assert.ok(result.issues.slice(0, -1).every((issue) => issue.code === 'UNKNOWN_OUTLET'));
    const rest = result.issues.at(-1);
    assert.equal(rest?.code, 'TOO_MANY_ISSUES');
    assert.match(rest?.message ?? '', /^100 more problem\(s\) are not listed/);
  });

  it('when a hostile 16 KB frontmatter is submitted, then the error body stays small', () => {
    const hostile = [
      ...FIELDS_BUT_OUTLETS,
      `outlets: [${'x, '.repeat(5_000)}x]`,
      ...Array.from({ length: 300 }, (_, i) => `k${i}: [}`),
    ].join('\n');
    for (const frontmatter of [
      hostile.slice(0, 16_000),
      '}'.repeat(16_000),
      'a: b\n'.repeat(3_200),
    ]) {
      const result = parseContent(`---\n${frontmatter}\n---\nbody`);
      assert.ok(!result.ok);
      assert.ok(result.issues.length <= MAX_LISTED_ISSUES + 1);
      assert.ok(JSON.stringify(result.issues).length < 16_000, 'error body under 16 KB');
    }
  });

  it('when the frontmatter has more than 200 line breaks and YAML marks, then it is refused unparsed', () => {
    const issues = parseContent(doc([...VALID_FRONTMATTER, ...Array(200).fill('# note')]));
    assert.ok(!issues.ok);
    assert.deepEqual(
      issues.issues.map((issue) => issue.code),
      ['FRONTMATTER_TOO_LARGE'],
    );
    const counted = /has (\d+) line breaks and YAML punctuation/.exec(
      issues.issues[0]?.message ?? '',
    );
    assert.ok(Number(counted?.[1]) > 200, issues.issues[0]?.message);
  });

  it('when an issue message would be huge, then it is cut', () => {
    const result = parseContent(doc([...VALID_FRONTMATTER, `${'k'.repeat(10_000)}: 1`]));
    assert.ok(!result.ok);
    assert.ok(result.issues.every((issue) => issue.message.length <= 300));
  });
});

describe('structure allowances', () => {
  it('when a long real post has a 40-item list, headings, links and a quote, then it is accepted', () => {
    const body = [
      '# What we shipped this quarter',
      '',
      'A short intro with a [link](https://example.com/a) and a mention of @team & friends.',
      '',
      ...Array.from({ length: 40 }, (_, i) => `- Item ${i + 1}: a line about it`),
      '',
      '> A quote from a customer,',
      '> on two lines.',
      '',
      'Thanks for reading. #release #team',
    ].join('\n');
    const result = renderForOutlet(body, { sanitize: true, outlet: 'linkedin' });
    assert.ok(result.ok, JSON.stringify(!result.ok && result.issues));
  });

  it('when the body underlines more than 20 lines, then BODY_TOO_COMPLEX names the line', () => {
    const issue = issueWith(renderIssues('a\n=\n'.repeat(21)), 'BODY_TOO_COMPLEX');
    assert.equal(issue.line, 42);
    assert.match(issue.message, /more than 20 lines with === or ---/);
  });

  it('when the body has more lines than its length explains, then BODY_TOO_COMPLEX says how many', () => {
    const issue = issueWith(renderIssues('a\n'.repeat(200)), 'BODY_TOO_COMPLEX');
    assert.match(
      issue.message,
      /^The body has 201 lines; a body of 400 characters may have at most 150\./,
    );
  });

  it('when the body has more list items than its length explains, then BODY_TOO_COMPLEX names the first one over', () => {
    const issue = issueWith(renderIssues('- a\n'.repeat(61)), 'BODY_TOO_COMPLEX');
    assert.equal(issue.line, 61);
    assert.match(issue.message, /more list items, quoted lines, headings, table rows and links/);
  });

  it('when lines continue a list item, then they count like items', () => {
    issueWith(renderIssues(`- a\n${'b\n'.repeat(60)}`), 'BODY_TOO_COMPLEX');
    const afterBlank = `- a\n\n${'b\n'.repeat(60)}`;
    assert.ok(renderForOutlet(afterBlank, { sanitize: true, outlet: 'linkedin' }).ok);
  });

  it('when the body has more tags and autolinks than its length explains, then BODY_TOO_COMPLEX', () => {
    const issue = issueWith(renderIssues('<a>'.repeat(101)), 'BODY_TOO_COMPLEX');
    assert.match(issue.message, /HTML tags, &-entities, e-mail addresses and web addresses/);
  });
});

describe('invisible characters with sanitize: false', () => {
  const bidi = 'Pay \u202Eyas ot\u202C today';

  it('when the body holds a bidi override, then the text is kept and a warning names it', () => {
    const result = renderForOutlet(`line one\n${bidi}`, { sanitize: false, outlet: 'linkedin' });
    assert.ok(result.ok);
    assert.ok(result.rendered.text.includes('\u202E'), 'posted as written');
    assert.equal(result.warnings.length, 1);
    const [warning] = result.warnings;
    assert.equal(warning?.code, 'INVISIBLE_CHARACTERS');
    assert.equal(warning?.severity, 'warning');
    assert.deepEqual([warning?.line, warning?.column], [2, 5]);
    assert.match(
      warning?.message ?? '',
      /2 invisible or bidirectional control character\(s\), the first \(U\+202E\)/,
    );
  });

  it('when the body holds zero-width characters, then they are warned about too', () => {
    const result = renderForOutlet('#hash\u200Btag', { sanitize: false, outlet: 'linkedin' });
    assert.ok(result.ok);
    assert.match(result.warnings[0]?.message ?? '', /U\+200B/);
  });

  it('when sanitize is true, then the characters are removed and nothing is warned', () => {
    const result = renderForOutlet(bidi, { sanitize: true, outlet: 'linkedin' });
    assert.ok(result.ok);
    assert.ok(!result.rendered.text.includes('\u202E'));
    assert.deepEqual(result.warnings, []);
  });

  it('when the text is clean, then there is no warning', () => {
    const result = renderForOutlet('Hello \u200D world', { sanitize: false, outlet: 'linkedin' });
    assert.ok(result.ok);
    assert.deepEqual(result.warnings, [], 'ZWJ is kept without a warning (emoji sequences)');
  });

  it('when a document is prepared, then the warning comes back with its document line and the item is valid', () => {
    const result = prepareContent(doc([...VALID_FRONTMATTER, 'sanitize: false'], `ok\n${bidi}`));
    assert.ok(result.ok);
    assert.equal(result.warnings.length, 1);
    assert.equal(result.warnings[0]?.line, 9, 'the second body line, after seven of frontmatter');
  });

  it('when the document also has errors, then the warning follows them', () => {
    const result = prepareContent(
      doc([...VALID_FRONTMATTER, 'sanitize: false'], `${'word '.repeat(700)}${bidi}`),
    );
    assert.ok(!result.ok);
    assert.deepEqual(
      result.issues.map((issue) => issue.code),
      ['TOO_LONG', 'INVISIBLE_CHARACTERS'],
    );
  });
});
