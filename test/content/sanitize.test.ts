import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { OUTLET_LIMITS } from '../../contracts/content';
import { countOutletLength, encodeProse, escapeLittleText } from '../../content/little-text';
import { renderForOutlet } from '../../content/sanitize';
import { firstUnescapedReserved, issueWith, render, renderIssues } from './helpers';

const LIMIT = OUTLET_LIMITS.linkedin;

describe('renderForOutlet: Markdown to plain text', () => {
  it('when the body has headings and paragraphs, then each is its own block of text', () => {
    assert.equal(
      render('# Big news\n\nFirst paragraph.\n\n## Details\nSecond.'),
      'Big news\n\nFirst paragraph.\n\nDetails\n\nSecond.',
    );
  });

  it('when text is emphasized, strong or struck through, then only the inner text remains', () => {
    assert.equal(
      render('We are *very* **very** ~~not~~ ***really*** happy'),
      'We are very very not really happy',
    );
  });

  it('when the body has lists, then items are "- " and "1. " lines with nested ones indented', () => {
    const markdown = '- one\n- two\n  1. first\n  2. second\n- three\n\n3. c\n4. d';
    assert.equal(render(markdown), '- one\n- two\n  1. first\n  2. second\n- three\n\n3. c\n4. d');
  });

  it('when the body has task items, then they show ballot boxes', () => {
    assert.equal(render('- [x] shipped\n- [ ] announced'), '- ☑ shipped\n- ☐ announced');
  });

  it('when a link has its own text, then it becomes "text (url)" with parentheses escaped', () => {
    assert.equal(
      render('Read [the post](https://example.com/a_b?x=1#top) now'),
      'Read the post \\(https://example.com/a\\_b?x=1\\#top\\) now',
    );
  });

  it('when a link is an autolink or its text is the url, then the url appears once', () => {
    assert.equal(render('<https://example.com/#frag>'), 'https://example.com/\\#frag');
    assert.equal(render('[https://example.com](https://example.com)'), 'https://example.com');
    assert.equal(
      render('Visit www.example.com or mail team@example.com'),
      'Visit www.example.com or mail team\\@example.com',
    );
  });

  it('when a reference-style link is used, then its definition supplies the url and is not shown', () => {
    assert.equal(
      render('See [the docs][d].\n\n[d]: https://docs.example.com "Docs"'),
      'See the docs \\(https://docs.example.com\\).',
    );
  });

  it('when there is inline code or a fenced block, then its text is kept line for line', () => {
    assert.equal(
      render('Run `npm i` then:\n\n```sh\nif [ -n "$A" ]; then\n  echo <ok>\nfi\n```'),
      'Run npm i then:\n\nif \\[ -n "$A" \\]; then\n  echo \\<ok\\>\nfi',
    );
  });

  it('when a code span holds #include, then it is not turned into a hashtag', () => {
    assert.equal(render('Use `#include` here'), 'Use \\#include here');
  });

  it('when there is a blockquote, then its lines start with an escaped "> "', () => {
    assert.equal(
      render('> Quoted *words*\n>\n> Second paragraph'),
      '\\> Quoted words\n\\>\n\\> Second paragraph',
    );
  });

  it('when there is an uploaded image, then it leaves the text and no double space behind', () => {
    const id = `sha256:${'ab'.repeat(32)}`;
    assert.equal(render(`Look: ![A red bike](media:${id}) here`), 'Look: here');
  });

  it('when there is a table, then each row is one line with cells joined by an escaped pipe', () => {
    assert.equal(render('| Plan | Price |\n|---|--:|\n| Pro | $5 |'), 'Plan \\| Price\nPro \\| $5');
  });

  it('when there is a thematic break, then it becomes an em-dash line', () => {
    assert.equal(render('Before\n\n***\n\nAfter'), 'Before\n\n———\n\nAfter');
  });

  it('when there are hard and soft line breaks, then both stay line breaks', () => {
    assert.equal(render('one\ntwo  \nthree\\\nfour'), 'one\ntwo\nthree\nfour');
  });

  it('when there are many blank lines and trailing spaces, then one blank line and no trailing spaces remain', () => {
    const text = render('\n\n  \nfirst   \n\n\n\n<!-- note -->\n\n\nsecond\t\n\n');
    assert.equal(text, 'first\n\nsecond');
  });
});

describe('renderForOutlet: raw HTML', () => {
  it('when a script or style block is present, then its content is dropped', () => {
    const text = render(
      'Before\n\n<script>alert("x")</script>\n\n<style>body{color:red}</style>\n\nAfter',
    );
    assert.equal(text, 'Before\n\nAfter');
  });

  it('when inline script tags wrap text, then that text is dropped too', () => {
    assert.equal(
      render('Hi <script>steal(document.cookie)</script> there <b>bold</b>!'),
      'Hi there bold!',
    );
  });

  it('when an HTML block has tags, comments and entities, then only decoded text remains', () => {
    const text = render(
      '<div class="x">Fish &amp; chips<br>&copy; 2026 &lt;3 <a href="x" title=">">link</a><!-- hidden --></div>',
    );
    assert.equal(text, 'Fish & chips\n© 2026 \\<3 link');
  });

  it('when a script is never closed, then everything after it is dropped', () => {
    const issues = renderIssues('<script>\nalert(1)\n\nStill inside');
    issueWith(issues, 'EMPTY_BODY');
  });

  it('when Markdown escapes HTML as text, then it is shown literally, escaped', () => {
    assert.equal(render('&lt;script&gt; is a tag'), '\\<script\\> is a tag');
  });
});

describe('renderForOutlet: little text encoding', () => {
  it('when the text has #hashtags, then they become hashtag elements', () => {
    assert.equal(
      render('Launch day #Launch #日本 #café'),
      'Launch day {hashtag|\\#|Launch} {hashtag|\\#|日本} {hashtag|\\#|café}',
    );
  });

  it('when a hashtag meets an underscore, then the underscore ends it and is escaped', () => {
    assert.equal(render('#snake_case', false), '{hashtag|\\#|snake}\\_case');
  });

  it('when # is inside a word, follows a slash, or is only digits, then it is an escaped #', () => {
    assert.equal(
      render('C#dev page#top a/#b #1 ##x', false),
      'C\\#dev page\\#top a/\\#b \\#1 \\#\\#x',
    );
  });

  it('when every reserved character appears, then each is escaped exactly once', () => {
    const text = render('\\ | { } @ [ ] ( ) < > # * _ ~', false);
    assert.equal(text, '\\\\ \\| \\{ \\} \\@ \\[ \\] \\( \\) \\< \\> \\# \\* \\_ \\~');
  });

  it('when the text has @name, then no mention is produced', () => {
    assert.equal(render('Thanks @Ada Lovelace'), 'Thanks \\@Ada Lovelace');
  });

  it('when reserved characters come out of Markdown, then none is left unescaped', () => {
    const text = render(
      'Mixed **{braces}** and [link](http://x.y/(a)) and `a|b` ~tilde~ \\_under\\_ <i>x</i>',
    );
    assert.equal(firstUnescapedReserved(text), undefined, text);
  });

  it('when a text piece is escaped and decoded, then escapeLittleText is lossless', () => {
    const plain = 'a\\b|c{d}e@f[g]h(i)j<k>l#m*n_o~p';
    const escaped = escapeLittleText(plain);
    assert.equal(escaped.replace(/\\(.)/gs, '$1'), plain);
    assert.equal(encodeProse('x #tag', ''), 'x {hashtag|\\#|tag}');
  });
});

describe('renderForOutlet: Unicode', () => {
  it('when the text has ZWJ emoji and flags, then they are kept intact', () => {
    const emoji = 'Family 👨‍👩‍👧 flag 🏴󠁧󠁢󠁳󠁣󠁴󠁿 thumbs 👍🏽';
    assert.equal(render(emoji), emoji);
  });

  it('when the text is NFD, then it is NFC and hashes like the NFC text', () => {
    const nfd = 'Cafe\u0301 #cafe\u0301';
    const nfc = nfd.normalize('NFC');
    const fromNfd = renderForOutlet(nfd, { sanitize: true, outlet: 'linkedin' });
    const fromNfc = renderForOutlet(nfc, { sanitize: true, outlet: 'linkedin' });
    assert.ok(fromNfd.ok && fromNfc.ok);
    assert.equal(fromNfd.rendered.text, 'Café {hashtag|\\#|café}');
    assert.equal(fromNfd.rendered.contentHash, fromNfc.rendered.contentHash);
    assert.equal(render(nfd, false), render(nfc, false));
  });

  it('when zero-width, BOM and bidi-override characters are present, then sanitizing removes them', () => {
    assert.equal(
      render('zero\u200Bwidth \uFEFFjoin\u2060er \u202Eevil\u202C \u2066iso\u2069'),
      'zerowidth joiner evil iso',
    );
  });

  it('when ZWNJ or RLM marks are present, then they are kept', () => {
    const persian = 'می\u200Cخواهم \u200Fok';
    assert.equal(render(persian), persian);
  });

  it('when control characters appear, then they are removed and tabs become spaces', () => {
    assert.equal(
      render('bell\u0007 esc\u001B[31m red\u009B del\u007F tab\tend'),
      'bell esc\\[31m red del tab end',
    );
  });

  it('when NFD ">" + U+0338 starts a line, then it is the character ≯, not a blockquote', () => {
    assert.equal(render('>\u0338 not a quote'), '≯ not a quote');
  });

  it('when a reserved < ends up before a combining U+0338 across markup, then NFC drops its escape', () => {
    const text = render('a <*\u0338* b');
    assert.equal(text, 'a ≮ b');
    assert.equal(firstUnescapedReserved(text), undefined);
  });

  it('when the body has CRLF newlines, then the output has LF only', () => {
    assert.equal(render('one\r\ntwo\r\n\r\nthree'), 'one\ntwo\n\nthree');
    assert.equal(render('one\r\ntwo', false), 'one\ntwo');
  });

  it('when the body has NUL or a lone surrogate, then it is refused', () => {
    issueWith(renderIssues('a\0b'), 'NUL_CHARACTER', 'body');
    issueWith(renderIssues('a\uDC00b', false), 'LONE_SURROGATE', 'body');
  });

  it('when an entity encodes a lone surrogate or NUL, then sanitizing replaces or drops it', () => {
    const text = render('<p>x&#xD800;y&#0;z</p>');
    assert.equal(firstUnescapedReserved(text), undefined);
    assert.equal(text, 'x\uFFFDy\uFFFDz');
  });
});

describe('renderForOutlet: length and emptiness', () => {
  it('when the encoded text is exactly the limit, then it is accepted', () => {
    const result = renderForOutlet('a'.repeat(LIMIT), { sanitize: true, outlet: 'linkedin' });
    assert.ok(result.ok);
    assert.equal(result.rendered.length, LIMIT);
  });

  it('when the encoded text is one over, then TOO_LONG gives length and limit and nothing is cut', () => {
    const issue = issueWith(renderIssues('a'.repeat(LIMIT + 1)), 'TOO_LONG', 'body');
    assert.match(issue.message, new RegExp(`${LIMIT + 1} characters; the limit is ${LIMIT}`));
  });

  it('when escapes push the text over the limit, then they count toward it', () => {
    issueWith(renderIssues('('.repeat(LIMIT / 2 + 1), false), 'TOO_LONG');
    assert.equal(render('('.repeat(LIMIT / 2), false).length, LIMIT);
  });

  it('when counting, then an emoji outside the BMP counts as two UTF-16 units', () => {
    assert.equal(countOutletLength('👍'), 2);
    assert.equal(countOutletLength('👨‍👩‍👧'), 8);
  });

  for (const [name, body] of [
    ['empty', ''],
    ['whitespace', ' \n\t\n  '],
    ['only a comment', '<!-- nothing to see -->'],
    ['only zero-width characters', '\u200B\uFEFF\u2060'],
    ['only a link definition', '[a]: https://example.com'],
  ]) {
    it(`when the body is ${name}, then it is EMPTY_BODY`, () => {
      issueWith(renderIssues(body ?? ''), 'EMPTY_BODY', 'body');
    });
  }

  it('when the Markdown source is over four times the limit, then it is refused before parsing', () => {
    issueWith(renderIssues('<!-- x -->\n'.repeat(2000)), 'BODY_TOO_LARGE');
  });

  it('when quotes nest thousands deep, then BODY_TOO_COMPLEX instead of a stack overflow', () => {
    issueWith(renderIssues('>'.repeat(10_000) + ' deep'), 'BODY_TOO_COMPLEX');
  });

  it('when one paragraph is a dense run of * and _, then BODY_TOO_COMPLEX (parser is quadratic)', () => {
    const issue = issueWith(renderIssues('*_'.repeat(5000)), 'BODY_TOO_COMPLEX');
    assert.equal(issue.line, 1);
  });

  it('when sanitize is false, then Markdown is posted as written but still encoded', () => {
    assert.equal(
      render('  **Bold** <b>html</b> #tag\n\n\n- item  ', false),
      '\\*\\*Bold\\*\\* \\<b\\>html\\</b\\> {hashtag|\\#|tag}\n\n\n- item',
    );
  });

  it('when rendered, then contentHash is the SHA-256 of the exact text', () => {
    const result = renderForOutlet('Hello #world', { sanitize: true, outlet: 'linkedin' });
    assert.ok(result.ok);
    const expected = createHash('sha256').update(result.rendered.text).digest('hex');
    assert.equal(result.rendered.contentHash, expected);
    assert.equal(result.rendered.length, result.rendered.text.length);
  });
});
