import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MAX_DOCUMENT_BYTES, parseContent } from '../../content/parse';
import { MAX_FRONTMATTER_BYTES } from '../../content/yaml';
import { doc, issueWith, parseIssues, parsed, VALID_FRONTMATTER } from './helpers';

const without = (key: string) => VALID_FRONTMATTER.filter((line) => !line.startsWith(`${key}:`));
const withLine = (key: string, line: string) => [...without(key), line];

describe('parseContent: valid documents', () => {
  it('when the frontmatter is minimal, then defaults apply and the body is kept as written', () => {
    const item = parsed(doc(VALID_FRONTMATTER, '# Title\n\nBody **bold**\n'));
    assert.deepEqual(item.frontmatter, {
      status: 'ready',
      language: 'en',
      outlets: ['linkedin'],
      sanitize: true,
      version: 1,
    });
    assert.equal(item.body, '# Title\n\nBody **bold**\n');
  });

  it('when every key is set, then language is canonical and scheduled is a UTC ISO string', () => {
    const item = parsed(
      doc([
        'status: draft',
        'language: en-gb',
        'outlets:',
        '  - linkedin',
        'sanitize: false',
        'scheduled: 2026-12-01T09:00:00+02:00',
        'version: 7',
      ]),
    );
    assert.deepEqual(item.frontmatter, {
      status: 'draft',
      language: 'en-GB',
      outlets: ['linkedin'],
      sanitize: false,
      scheduled: '2026-12-01T07:00:00.000Z',
      version: 7,
    });
  });

  it('when the opening line says ---yaml, then it is read as YAML', () => {
    const item = parsed(doc(VALID_FRONTMATTER).replace(/^---/, '---yaml'));
    assert.equal(item.frontmatter.status, 'ready');
  });

  it('when the file has a BOM and CRLF newlines, then it parses and the body has LF newlines', () => {
    const item = parsed('\uFEFF' + doc(VALID_FRONTMATTER, 'a\nb').replace(/\n/g, '\r\n'));
    assert.equal(item.body, 'a\nb');
  });

  it('when the same text is parsed twice, then the results are independent (no shared cache)', () => {
    const markdown = doc();
    const first = parsed(markdown);
    first.frontmatter.outlets.push('linkedin');
    (first.frontmatter as { status: string }).status = 'mutated';
    const second = parsed(markdown);
    assert.equal(second.frontmatter.status, 'ready');
    assert.deepEqual(second.frontmatter.outlets, ['linkedin']);
  });
});

describe('parseContent: frontmatter keys', () => {
  it('when a key is misspelt (schedueld), then the issue names it and suggests the right key', () => {
    const issues = parseIssues(doc([...VALID_FRONTMATTER, 'schedueld: 2026-12-01T09:00:00Z']));
    const issue = issueWith(issues, 'UNKNOWN_KEY', 'schedueld');
    assert.match(issue.message, /"schedueld".*Did you mean "scheduled"\?/);
    assert.equal(issue.line, 6);
    assert.equal(issue.column, 1);
  });

  it('when several things are wrong, then every problem is reported at once', () => {
    const issues = parseIssues(
      doc([
        'status: published',
        'language: en_US',
        'outlets: [linkedin, twitter]',
        'version: 0',
        'title: Hello',
        'Status: ready',
      ]),
    );
    assert.deepEqual(issues.map((issue) => `${issue.path}:${issue.code}`).sort(), [
      'Status:UNKNOWN_KEY',
      'language:INVALID_LANGUAGE',
      'outlets.1:UNKNOWN_OUTLET',
      'status:INVALID_VALUE',
      'title:UNKNOWN_KEY',
      'version:INVALID_VALUE',
    ]);
  });

  it('when required keys are missing, then each is REQUIRED by name', () => {
    const issues = parseIssues(doc(['sanitize: true']));
    assert.deepEqual(
      issues.filter((issue) => issue.code === 'REQUIRED').map((issue) => issue.path),
      ['status', 'language', 'outlets', 'version'],
    );
  });

  it('when the frontmatter is empty, then the required keys are reported', () => {
    const issues = parseIssues('---\n---\nBody');
    assert.equal(issues.filter((issue) => issue.code === 'REQUIRED').length, 4);
  });

  it('when status is neither draft nor ready, then the value is rejected with its position', () => {
    const issue = issueWith(parseIssues(doc(withLine('status', 'status: live'))), 'INVALID_VALUE');
    assert.equal(issue.path, 'status');
    assert.match(issue.message, /"draft" or "ready"/);
    assert.equal(issue.line, 5);
  });

  for (const tag of ['en_US', 'xx-!!', "''", 'english-language-tag', '42']) {
    it(`when language is ${tag}, then it is not a BCP 47 tag`, () => {
      const issues = parseIssues(doc(withLine('language', `language: ${tag}`)));
      assert.ok(
        issues.some((i) => i.path === 'language' && /INVALID_(LANGUAGE|TYPE)/.test(i.code)),
      );
    });
  }

  for (const [tag, canonical] of [
    ['pt-BR', 'pt-BR'],
    ['zh-hant-tw', 'zh-Hant-TW'],
    ['de', 'de'],
  ]) {
    it(`when language is ${tag}, then it is accepted as ${canonical}`, () => {
      assert.equal(
        parsed(doc(withLine('language', `language: ${tag}`))).frontmatter.language,
        canonical,
      );
    });
  }

  it('when outlets is empty, a scalar or repeats an outlet, then each case is an issue', () => {
    assert.equal(
      issueWith(parseIssues(doc(withLine('outlets', 'outlets: []'))), 'INVALID_VALUE').path,
      'outlets',
    );
    assert.equal(
      issueWith(parseIssues(doc(withLine('outlets', 'outlets: linkedin'))), 'INVALID_TYPE').path,
      'outlets',
    );
    const duplicate = parseIssues(doc(withLine('outlets', 'outlets: [linkedin, linkedin]')));
    assert.equal(issueWith(duplicate, 'DUPLICATE_OUTLET').path, 'outlets.1');
  });

  it('when sanitize is "yes" (YAML 1.1 boolean), then it is a string and rejected', () => {
    const issue = issueWith(
      parseIssues(doc([...VALID_FRONTMATTER, 'sanitize: yes'])),
      'INVALID_TYPE',
    );
    assert.equal(issue.path, 'sanitize');
  });

  for (const value of ['0', '-3', '1.5', '"1"', '9007199254740993']) {
    it(`when version is ${value}, then it is rejected`, () => {
      const issues = parseIssues(doc(withLine('version', `version: ${value}`)));
      assert.ok(
        issues.some((issue) => issue.path === 'version'),
        JSON.stringify(issues),
      );
    });
  }
});

describe('parseContent: scheduled', () => {
  const scheduled = (value: string) => doc([...VALID_FRONTMATTER, `scheduled: ${value}`]);
  const instant = (value: string) => parsed(scheduled(value)).frontmatter.scheduled;

  it('when the time has no zone (naive local time), then it is rejected as NAIVE_DATETIME', () => {
    const issue = issueWith(parseIssues(scheduled('2026-12-01T09:00:00')), 'NAIVE_DATETIME');
    assert.equal(issue.path, 'scheduled');
    assert.match(issue.message, /no time zone/);
  });

  it('when written unquoted, then the timestamp stays a string and is normalized to UTC', () => {
    assert.equal(instant('2026-12-01T09:00:00Z'), '2026-12-01T09:00:00.000Z');
    assert.equal(instant('"2026-12-01T09:00:00.5-03:30"'), '2026-12-01T12:30:00.500Z');
  });

  it('when Z and +00:00 name the same instant, then they normalize to the same value', () => {
    assert.equal(instant('2026-06-01T12:00:00Z'), instant('2026-06-01T12:00:00+00:00'));
    assert.equal(instant('2026-06-01T14:00:00+02:00'), instant('2026-06-01T12:00:00Z'));
  });

  it('when a local time falls in a DST gap but carries an offset, then it is a valid instant', () => {
    assert.equal(instant('2026-03-08T02:30:00-05:00'), '2026-03-08T07:30:00.000Z');
  });

  it('when the date is 29 February of a leap year, then it is accepted', () => {
    assert.equal(instant('2028-02-29T08:00:00Z'), '2028-02-29T08:00:00.000Z');
  });

  for (const value of [
    '2027-02-29T08:00:00Z',
    '2026-13-01T08:00:00Z',
    '2026-04-31T08:00:00Z',
    '2026-12-01T24:61:00Z',
    '2026-12-01T23:59:60Z',
    '2026-12-01T10:00:00+25:00',
  ]) {
    it(`when the date-time is impossible (${value}), then it is rejected`, () => {
      issueWith(parseIssues(scheduled(value)), 'INVALID_DATETIME', 'scheduled');
    });
  }

  for (const value of [
    '2026-12-01',
    'tomorrow',
    '2026-12-01 09:00:00Z',
    '12/01/2026 09:00 +02:00',
    '1',
  ]) {
    it(`when scheduled is not an ISO 8601 date-time (${value}), then it is rejected`, () => {
      const issues = parseIssues(scheduled(value));
      assert.ok(
        issues.some((issue) => issue.path === 'scheduled'),
        JSON.stringify(issues),
      );
    });
  }
});

describe('parseContent: hostile YAML', () => {
  it('when a key appears twice, then it is an error naming the key (no last-wins)', () => {
    const issues = parseIssues(doc([...VALID_FRONTMATTER, 'version: 2']));
    const issue = issueWith(issues, 'YAML_DUPLICATE_KEY', 'version');
    assert.equal(issue.line, 6);
    assert.match(issue.message, /"version"/);
  });

  it('when the frontmatter is an alias bomb, then anchors are refused without expanding', () => {
    const lol = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    // Eight levels (9^8 "lol"s expanded) stay under the frontmatter's punctuation limit.
    for (const [name, previous] of ['ba', 'cb', 'dc', 'ed', 'fe', 'gf', 'hg']) {
      lol.push(`${name}: &${name} [${Array(9).fill(`*${previous}`).join(',')}]`);
    }
    const issues = parseIssues(doc(lol));
    // 71 anchors and aliases: 50 are listed, the rest counted in the closing issue.
    assert.deepEqual(
      issues.slice(0, -1).map((issue) => issue.code),
      Array<string>(50).fill('YAML_ALIAS'),
    );
    assert.equal(issues.at(-1)?.code, 'TOO_MANY_ISSUES');
    assert.match(issues.at(-1)?.message ?? '', /^21 more problem\(s\)/);
    assert.equal(issues[0]?.line, 2);
  });

  it('when a merge key pulls in an anchor, then the anchor and alias are refused', () => {
    const issues = parseIssues(
      doc(['base: &base {status: ready}', '<<: *base', ...VALID_FRONTMATTER]),
    );
    assert.deepEqual([...new Set(issues.map((issue) => issue.code))], ['YAML_ALIAS']);
  });

  for (const tagged of [
    'status: !!js/function "function () { return 1 }"',
    'status: !foo ready',
    '!!str status: ready',
  ]) {
    it(`when a value or key carries a tag (${tagged}), then it is refused`, () => {
      const issue = issueWith(parseIssues(doc([tagged])), 'YAML_TAG');
      assert.equal(issue.line, 2);
    });
  }

  for (const language of ['js', 'javascript', 'coffee', 'json', 'toml', 'constructor']) {
    it(`when the opening line is ---${language}, then nothing is evaluated`, () => {
      const body = `globalThis.__stargueEvaluated = true; ({ status: 'ready' })`;
      const issue = issueWith(
        parseIssues(`---${language}\n${body}\n---\nbody`),
        'UNSUPPORTED_FRONTMATTER_LANGUAGE',
      );
      assert.equal(issue.line, 1);
      assert.equal((globalThis as Record<string, unknown>).__stargueEvaluated, undefined);
    });
  }

  it('when the frontmatter is never closed, then it is UNTERMINATED_FRONTMATTER', () => {
    issueWith(
      parseIssues(`---\n${VALID_FRONTMATTER.join('\n')}\nBody text`),
      'UNTERMINATED_FRONTMATTER',
    );
    issueWith(parseIssues('---'), 'UNTERMINATED_FRONTMATTER');
  });

  it('when the closing line has text after ---, then it is not taken as a delimiter', () => {
    const issue = issueWith(
      parseIssues(doc().replace('\n---\n', '\n--- body\n')),
      'UNTERMINATED_FRONTMATTER',
    );
    assert.equal(issue.line, 6);
  });

  for (const [name, markdown] of [
    ['plain Markdown', '# Just a post\n\nNo frontmatter.'],
    ['a blank first line', `\n${doc()}`],
    ['four dashes', doc().replace(/^---/, '----')],
    ['an empty document', ''],
  ]) {
    it(`when the document has ${name}, then frontmatter is missing`, () => {
      issueWith(parseIssues(markdown ?? ''), 'MISSING_FRONTMATTER');
    });
  }

  it('when a line is indented with a tab, then the issue gives its line', () => {
    const issue = issueWith(
      parseIssues(doc(['outlets:', '\t- linkedin', 'status: ready'])),
      'YAML_TAB_INDENT',
    );
    assert.equal(issue.line, 3);
  });

  it('when the YAML has a syntax error, then the issue has a line and column', () => {
    const issue = issueWith(
      parseIssues(doc(['status: ready', 'outlets: [linkedin', 'version: 1'])),
      'YAML_SYNTAX',
    );
    assert.ok(issue.line !== undefined && issue.line >= 3, JSON.stringify(issue));
    assert.ok(issue.column !== undefined);
  });

  it('when the frontmatter is a list, not a mapping, then it says so', () => {
    issueWith(parseIssues(doc(['- status', '- ready'])), 'FRONTMATTER_NOT_A_MAPPING');
  });

  it('when a key is a list ("? [a]"), then it is refused as a complex key', () => {
    issueWith(parseIssues(doc(['? [status]', ': ready'])), 'YAML_COMPLEX_KEY');
  });

  it('when brackets nest thousands deep, then it is refused before the YAML parser recurses', () => {
    const deep = `status: ${'['.repeat(5000)}${']'.repeat(5000)}`;
    const issue = issueWith(parseIssues(doc([deep])), 'FRONTMATTER_TOO_DEEP');
    assert.equal(issue.line, 2);
  });

  it('when block lists nest deeply, then the depth limit applies', () => {
    issueWith(parseIssues(doc(['status:', '  - - - - - - x'])), 'FRONTMATTER_TOO_DEEP');
  });

  it('when __proto__ and constructor are keys, then they are unknown keys and nothing is polluted', () => {
    const issues = parseIssues(
      doc([
        ...VALID_FRONTMATTER,
        '__proto__: {polluted: yes}',
        'constructor: {prototype: {polluted: yes}}',
      ]),
    );
    issueWith(issues, 'UNKNOWN_KEY', '__proto__');
    issueWith(issues, 'UNKNOWN_KEY', 'constructor');
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
    assert.equal(Object.prototype.hasOwnProperty.call(Object.prototype, 'polluted'), false);
  });

  it('when a key holds an escaped control character, then the path shows it escaped', () => {
    const issue = issueWith(
      parseIssues(doc([...VALID_FRONTMATTER, '"bad\\0key": 1'])),
      'UNKNOWN_KEY',
    );
    assert.equal(issue.path, 'bad\\u0000key');
    assert.ok(!issue.message.includes('\0'));
  });
});

describe('parseContent: text-level limits', () => {
  it('when the document contains NUL, then NUL_CHARACTER gives the first position', () => {
    const issue = issueWith(
      parseIssues(doc(VALID_FRONTMATTER, 'ok\nbad\0 here\0')),
      'NUL_CHARACTER',
    );
    assert.deepEqual([issue.line, issue.column], [8, 4]);
    assert.match(issue.message, /2 found/);
  });

  it('when the document contains a lone surrogate, then LONE_SURROGATE is reported', () => {
    issueWith(parseIssues(doc(VALID_FRONTMATTER, 'broken \uD83D text')), 'LONE_SURROGATE');
    assert.equal(parseContent(doc(VALID_FRONTMATTER, 'fine \uD83D\uDE00')).ok, true);
  });

  it('when the frontmatter is over its size cap, then FRONTMATTER_TOO_LARGE', () => {
    const padding = `# ${'x'.repeat(MAX_FRONTMATTER_BYTES)}`;
    issueWith(parseIssues(doc([...VALID_FRONTMATTER, padding])), 'FRONTMATTER_TOO_LARGE');
  });

  it('when the document is over its size cap, then DOCUMENT_TOO_LARGE', () => {
    issueWith(
      parseIssues(doc(VALID_FRONTMATTER, 'é'.repeat(MAX_DOCUMENT_BYTES / 2))),
      'DOCUMENT_TOO_LARGE',
    );
  });
});
