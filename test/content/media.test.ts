import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { prepareContent, titleFromText } from '../../content/index';
import { renderForOutlet } from '../../content/sanitize';
import { doc, VALID_FRONTMATTER } from './helpers';

const ID_A = `sha256:${'a1'.repeat(32)}`;
const ID_B = `sha256:${'b2'.repeat(32)}`;
const ID_PDF = `sha256:${'cd'.repeat(32)}`;

function prepared(frontmatter: string[], body: string) {
  const result = prepareContent(doc(frontmatter, body));
  if (!result.ok) assert.fail(JSON.stringify(result.issues));
  const linkedin = result.rendered.linkedin;
  assert.ok(linkedin);
  return linkedin;
}

function issues(frontmatter: string[], body: string) {
  const result = prepareContent(doc(frontmatter, body));
  if (result.ok) assert.fail(`expected issues, got ${JSON.stringify(result.rendered)}`);
  return result.issues;
}

describe('media in Markdown', () => {
  it('when the body has one uploaded image, then it is attached with its alt text and left out of the text', () => {
    const rendered = prepared(
      VALID_FRONTMATTER,
      `Launch day!\n\n![The team on stage](media:${ID_A})`,
    );
    assert.equal(rendered.text, 'Launch day!');
    assert.equal(rendered.length, rendered.text.length, 'the character count is the text alone');
    assert.deepEqual(rendered.media, {
      kind: 'images',
      images: [{ id: ID_A, alt: 'The team on stage' }],
    });
  });

  it('when the body has several images, then all are attached in order', () => {
    const rendered = prepared(
      VALID_FRONTMATTER,
      `Three shots: ![First](media:${ID_A}) ![Second](media:${ID_B})\n\n![Third](media:${ID_A})`,
    );
    assert.deepEqual(
      rendered.media?.kind === 'images' ? rendered.media.images.map((i) => i.alt) : [],
      ['First', 'Second', 'Third'],
    );
  });

  it('when an image has no alt text, then the issue names the image and its line', () => {
    const found = issues(VALID_FRONTMATTER, `Text\n\n![](media:${ID_A})`);
    assert.equal(found.length, 1);
    assert.equal(found[0]?.code, 'IMAGE_ALT_MISSING');
    assert.match(found[0]?.message ?? '', /Image 1 \(media:sha256:a1a1/);
    // `---`, the frontmatter, `---`, then the body's third line.
    assert.equal(found[0]?.line, VALID_FRONTMATTER.length + 2 + 3);
  });

  it('when an image refers to a relative file or a web address, then it is an issue asking for an upload', () => {
    const found = issues(
      VALID_FRONTMATTER,
      'See ![A red bike](bike.png) and ![Chart](https://example.com/chart.png)',
    );
    assert.deepEqual(
      found.map((i) => i.code),
      ['IMAGE_NOT_UPLOADED', 'IMAGE_NOT_UPLOADED'],
    );
    assert.match(found[0]?.message ?? '', /refers to the file "bike.png".*POST \/v1\/media/);
    assert.match(found[1]?.message ?? '', /points at "https:\/\/example.com\/chart.png"/);
  });

  it('when a media reference is not a sha256 id, then it is an issue', () => {
    const found = issues(VALID_FRONTMATTER, 'Hi ![Logo](media:logo.png)');
    assert.equal(found[0]?.code, 'INVALID_MEDIA_ID');
  });

  it('when the body has more than 20 images, then it is an issue', () => {
    const body = Array.from({ length: 21 }, (_, i) => `![Shot ${i}](media:${ID_A})`).join(' ');
    assert.ok(
      issues(VALID_FRONTMATTER, `Gallery ${body}`).some((i) => i.code === 'TOO_MANY_IMAGES'),
    );
  });

  it('when a reference-style image is used, then its definition’s media id is attached', () => {
    const rendered = prepared(VALID_FRONTMATTER, `Look ![Team][team]\n\n[team]: media:${ID_B}`);
    assert.deepEqual(rendered.media, { kind: 'images', images: [{ id: ID_B, alt: 'Team' }] });
  });

  it('when the body is only an image, then it is EMPTY_BODY: a post needs a line of text', () => {
    const found = issues(VALID_FRONTMATTER, `![Only a picture](media:${ID_A})`);
    assert.deepEqual(
      found.map((i) => i.code),
      ['EMPTY_BODY'],
    );
    assert.match(found[0]?.message ?? '', /no text besides its media/);
  });

  it('when sanitize is false, then images are not read and the Markdown is posted as written', () => {
    const rendered = prepared([...VALID_FRONTMATTER, 'sanitize: false'], `![x](media:${ID_A})`);
    assert.equal(rendered.media, undefined);
    assert.match(rendered.text, /^!\\\[x\\\]\\\(media:/);
  });
});

describe('a PDF document in the frontmatter', () => {
  const withDocument = (title: string | null) => [
    ...VALID_FRONTMATTER,
    title === null
      ? `document: {media: ${ID_PDF}}`
      : `document: {media: ${ID_PDF}, title: ${title}}`,
  ];

  it('when a document has a media id and a title, then it is attached', () => {
    const rendered = prepared(withDocument('Q4 report'), 'Our quarter in 12 slides.');
    assert.deepEqual(rendered.media, { kind: 'document', id: ID_PDF, title: 'Q4 report' });
  });

  it('when the title is missing, then it is a REQUIRED issue at document.title', () => {
    const found = issues(withDocument(null), 'Slides');
    assert.deepEqual(
      found.map((i) => [i.path, i.code]),
      [['document.title', 'REQUIRED']],
    );
  });

  it('when document has an unknown key or a malformed id, then each is an issue at its path', () => {
    const found = issues(
      [...VALID_FRONTMATTER, `document: {media: sha256:nope, title: Deck, titel: Deck}`],
      'Slides',
    );
    assert.deepEqual(found.map((i) => [i.path, i.code]).sort(), [
      ['document.media', 'INVALID_MEDIA_ID'],
      ['document.titel', 'UNKNOWN_KEY'],
    ]);
  });

  it('when a document and images come together, then it is an issue', () => {
    const found = issues(withDocument('Deck'), `Slides ![Cover](media:${ID_A})`);
    assert.equal(found[0]?.code, 'DOCUMENT_WITH_IMAGES');
    assert.equal(found[0]?.path, 'document');
  });
});

describe('the hash an approval binds to', () => {
  const sha = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

  it('when there are no media, then it is the hash of the text, as before media existed', () => {
    const rendered = prepared(VALID_FRONTMATTER, 'Plain words');
    assert.equal(rendered.contentHash, sha(rendered.text));
  });

  it('when an image, its alt text or the document title changes, then the hash changes', () => {
    const base = prepared(VALID_FRONTMATTER, `Hi ![Team](media:${ID_A})`).contentHash;
    const otherImage = prepared(VALID_FRONTMATTER, `Hi ![Team](media:${ID_B})`).contentHash;
    const otherAlt = prepared(VALID_FRONTMATTER, `Hi ![The team](media:${ID_A})`).contentHash;
    assert.equal(new Set([base, otherImage, otherAlt]).size, 3);
    const render = (title: string) =>
      renderForOutlet('Slides', {
        sanitize: true,
        outlet: 'linkedin',
        document: { media: ID_PDF, title },
      });
    const a = render('Deck');
    const b = render('Deck v2');
    assert.ok(a.ok && b.ok);
    assert.notEqual(a.rendered.contentHash, b.rendered.contentHash);
  });
});

describe('titles from the rendered text', () => {
  it('when the first line is Markdown, then the title is what the post shows', () => {
    const rendered = prepared(VALID_FRONTMATTER, '# **Q4 report** is out #news\n\nMore (soon).');
    assert.equal(titleFromText(rendered.text), 'Q4 report is out #news');
  });

  it('when the text starts with a quote or a list, then their markers are left out', () => {
    assert.equal(titleFromText(prepared(VALID_FRONTMATTER, '> *Wise* words').text), 'Wise words');
    assert.equal(
      titleFromText(prepared(VALID_FRONTMATTER, '- first item\n- second').text),
      'first item',
    );
  });

  it('when the first line is very long, then the title is cut at 120 characters', () => {
    const title = titleFromText('x'.repeat(500));
    assert.equal(title.length, 120);
    assert.ok(title.endsWith('…'));
  });
});
