import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  CONTENT_ID_PATTERN,
  ContentIdSchema,
  ContentItemSchema,
  FrontmatterSchema,
} from '../../contracts/content';
import { prepareContent } from '../../content/index';
import { doc, firstUnescapedReserved, issueWith, VALID_FRONTMATTER } from './helpers';

describe('prepareContent', () => {
  it('when the document is valid, then it is parsed and rendered for each listed outlet', () => {
    const result = prepareContent(doc(VALID_FRONTMATTER, '# Hello\n\nWorld #news'));
    if (!result.ok) assert.fail(JSON.stringify(result.issues));
    assert.equal(result.item.frontmatter.version, 1);
    assert.equal(result.rendered.linkedin?.text, 'Hello\n\nWorld {hashtag|\\#|news}');
  });

  it('when the item is a draft, then it is still rendered for preview', () => {
    const result = prepareContent(
      doc(['status: draft', ...VALID_FRONTMATTER.slice(1)], 'Draft text'),
    );
    assert.ok(result.ok);
    assert.equal(result.item.frontmatter.status, 'draft');
    assert.equal(result.rendered.linkedin?.text, 'Draft text');
  });

  it('when sanitize is false, then the body is posted as written', () => {
    const result = prepareContent(doc([...VALID_FRONTMATTER, 'sanitize: false'], '**as written**'));
    assert.ok(result.ok);
    assert.equal(result.rendered.linkedin?.text, '\\*\\*as written\\*\\*');
  });

  it('when the frontmatter is invalid, then its issues come back and nothing is rendered', () => {
    const result = prepareContent(doc(['status: ready'], 'x'.repeat(5000)));
    assert.equal(result.ok, false);
    assert.ok(!result.ok && result.issues.every((issue) => issue.code === 'REQUIRED'));
  });

  it('when the body is too long, then TOO_LONG is reported for the outlet', () => {
    const result = prepareContent(doc(VALID_FRONTMATTER, 'word '.repeat(700)));
    assert.ok(!result.ok);
    issueWith(result.issues, 'TOO_LONG', 'body');
  });

  it('when a body issue has a line, then it is the line in the whole document', () => {
    const result = prepareContent(doc(VALID_FRONTMATTER, `fine\n\n${'> '.repeat(40)}deep`));
    assert.ok(!result.ok);
    assert.equal(issueWith(result.issues, 'BODY_TOO_COMPLEX').line, 9);
  });
});

describe('contracts/content', () => {
  for (const id of ['a', '2026-launch', 'post-1', 'x'.repeat(128)]) {
    it(`when the id is ${id.slice(0, 20)}, then it matches CONTENT_ID_PATTERN`, () => {
      assert.ok(CONTENT_ID_PATTERN.test(id));
    });
  }

  for (const id of [
    '',
    '-lead',
    'Upper',
    'a/b',
    '../etc',
    'café',
    'a b',
    'a_b',
    'x'.repeat(129),
    'a\n',
  ]) {
    it(`when the id is ${JSON.stringify(id.slice(0, 20))}, then it is refused`, () => {
      assert.equal(ContentIdSchema.safeParse(id).success, false);
    });
  }

  it('when validated frontmatter is validated again, then it is unchanged', () => {
    const frontmatter = FrontmatterSchema.parse({
      status: 'ready',
      language: 'EN-us',
      outlets: ['linkedin'],
      scheduled: '2026-12-01T09:00:00+01:00',
      version: 2,
    });
    assert.deepEqual(ContentItemSchema.parse({ frontmatter, body: 'b' }).frontmatter, frontmatter);
    assert.equal(frontmatter.language, 'en-US');
  });

  it('when the reserved-character checker sees a bare or badly escaped character, then it flags it', () => {
    assert.equal(firstUnescapedReserved('ok \\# {hashtag|\\#|tag}'), undefined);
    assert.equal(firstUnescapedReserved('a#b'), 1);
    assert.equal(firstUnescapedReserved('a\\b'), 1);
    assert.equal(firstUnescapedReserved('{hashtag|#|x}'), 0);
    assert.equal(firstUnescapedReserved('end\\'), 3);
  });
});
