import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { BLUESKY_LIMITS } from '../../../contracts/bluesky';
import { checkImages, type ImageInput } from '../../../outlets/bluesky/images';
import { resolveFacets } from '../../../outlets/bluesky/mentions';
import type { DraftFacet } from '../../../outlets/bluesky/rich-text';
import { renderBlueskyText, type BlueskyText } from '../../../outlets/bluesky/text';
import { pngBytes, rotatedJpegHeader } from './images';

function rendered(body: string, sanitize = true): BlueskyText {
  const result = renderBlueskyText(body, { sanitize });
  assert.ok(result.ok, JSON.stringify(result));
  return result.rendered;
}

/** Each facet as the words it covers, cut from the UTF-8 bytes of the text. */
function covered(result: BlueskyText): { words: string; feature: DraftFacet['feature'] }[] {
  const bytes = Buffer.from(result.text, 'utf8');
  return result.facets.map((facet) => ({
    words: bytes.subarray(facet.byteStart, facet.byteEnd).toString('utf8'),
    feature: facet.feature,
  }));
}

function byteOffset(text: string, needle: string): number {
  const at = text.indexOf(needle);
  assert.notEqual(at, -1, `${needle} in ${text}`);
  return Buffer.byteLength(text.slice(0, at), 'utf8');
}

describe('Bluesky text: facets from the Markdown tree', () => {
  it('when a link, a tag and a mention follow emoji and accents, then each facet covers exactly its words in UTF-8 bytes', () => {
    const result = rendered(
      'Héllo 👋🏽 wörld — see [our site](https://example.com/a?b=1) for #launch, says @bob.test!',
    );
    assert.equal(result.text, 'Héllo 👋🏽 wörld — see our site for #launch, says @bob.test!');
    assert.deepEqual(covered(result), [
      { words: 'our site', feature: { kind: 'link', uri: 'https://example.com/a?b=1' } },
      { words: '#launch', feature: { kind: 'tag', tag: 'launch' } },
      { words: '@bob.test', feature: { kind: 'mention', handle: 'bob.test' } },
    ]);
    // "é" is 2 bytes, the waving hand with its skin tone 8, "ö" 2, the em dash 3: 31 bytes
    // before "our site" where UTF-16 counts 23 code units.
    assert.equal(result.text.indexOf('our site'), 23);
    assert.equal(result.facets[0]?.byteStart, 31);
    assert.equal(result.facets[0]?.byteStart, byteOffset(result.text, 'our site'));
    assert.equal(result.facets[2]?.byteEnd, Buffer.byteLength(result.text) - 1);
  });

  it('when URLs are written out, then they stay in full as one link facet each and a #fragment is no tag', () => {
    const result = rendered('Docs: https://example.com/guide#setup and www.example.org today');
    assert.equal(result.text, 'Docs: https://example.com/guide#setup and www.example.org today');
    assert.deepEqual(covered(result), [
      {
        words: 'https://example.com/guide#setup',
        feature: { kind: 'link', uri: 'https://example.com/guide#setup' },
      },
      { words: 'www.example.org', feature: { kind: 'link', uri: 'http://www.example.org' } },
    ]);
  });

  it('when a link has no words, then its address is shown and linked', () => {
    assert.deepEqual(covered(rendered('[](https://example.com/x)')), [
      { words: 'https://example.com/x', feature: { kind: 'link', uri: 'https://example.com/x' } },
    ]);
  });

  it('when a link points nowhere a reader can follow (javascript:, a relative path), then it carries no link facet', () => {
    const result = rendered('[click](javascript:alert(1)) and [docs](/guide)');
    assert.equal(result.text, 'click and docs (/guide)');
    assert.deepEqual(result.facets, []);
  });

  it('when # and @ appear in code, inside words or before digits only, then they are not facets', () => {
    const result = rendered(
      'C#dev, page#anchor, #2026, `#notatag @a.test`, mail me@example.com, @nodot\n\n```\n#code @b.test\n```',
    );
    assert.deepEqual(
      covered(result).map((facet) => facet.feature.kind),
      ['link'],
      'only the e-mail address is linked',
    );
  });

  it('when a handle ends a sentence or sits in brackets, then the mention stops before the punctuation', () => {
    const result = rendered('Thanks @Alice.Example.com. And (@bob.test)');
    assert.deepEqual(covered(result), [
      { words: '@Alice.Example.com', feature: { kind: 'mention', handle: 'alice.example.com' } },
      { words: '@bob.test', feature: { kind: 'mention', handle: 'bob.test' } },
    ]);
  });

  it('when facets sit in lists and quotes, then their offsets account for the markers written before them', () => {
    const result = rendered(
      '- first #one\n  - nested @bob.test\n\n> quoted [link](https://q.example)',
    );
    assert.equal(result.text, '- first #one\n  - nested @bob.test\n\n> quoted link');
    for (const facet of covered(result)) {
      assert.ok(['#one', '@bob.test', 'link'].includes(facet.words), facet.words);
    }
    assert.equal(result.facets.length, 3);
  });

  it('when a tag is longer than Bluesky allows, then it stays plain text', () => {
    const long = `#${'a'.repeat(BLUESKY_LIMITS.tagGraphemes + 1)}`;
    const ok = `#${'b'.repeat(BLUESKY_LIMITS.tagGraphemes)}`;
    assert.deepEqual(
      covered(rendered(`${long} ${ok}`)).map((facet) => facet.words),
      [ok],
    );
  });

  it('when the author writes Unicode noncharacters, then they are removed and cannot forge a facet', () => {
    const result = rendered('a\uFDD00\uFDD1fake\uFDD2 #real');
    assert.equal(result.text, 'a0fake #real');
    assert.deepEqual(covered(result), [{ words: '#real', feature: { kind: 'tag', tag: 'real' } }]);
  });

  it('when sanitize is off, then the body is sent as written with tag and mention facets only', () => {
    const result = rendered('**as is** [x](https://e.example) #tag @bob.test', false);
    assert.equal(result.text, '**as is** [x](https://e.example) #tag @bob.test');
    assert.deepEqual(
      covered(result).map((facet) => facet.words),
      ['#tag', '@bob.test'],
    );
  });
});

describe('Bluesky text: measuring', () => {
  it('when the text has exactly 300 graphemes, then it is accepted with its measures', () => {
    const result = rendered('é'.repeat(300));
    assert.equal(result.graphemes, 300);
    assert.equal(result.bytes, 600);
  });

  it('when the text has 301 graphemes, then it is refused with the measured length', () => {
    const result = renderBlueskyText('x'.repeat(301), { sanitize: true });
    assert.ok(!result.ok);
    assert.equal(result.issues[0]?.code, 'TOO_LONG');
    assert.match(
      result.issues[0]?.message ?? '',
      /is 301 characters \(graphemes\) and 301 UTF-8 bytes/,
    );
  });

  it('when few graphemes take over 3,000 bytes (family emoji), then it is refused by bytes', () => {
    const family = '👨‍👩‍👧‍👦'; // one grapheme, 25 bytes
    const result = renderBlueskyText(family.repeat(121), { sanitize: true });
    assert.ok(!result.ok);
    assert.match(
      result.issues[0]?.message ?? '',
      /is 121 characters \(graphemes\) and 3025 UTF-8 bytes/,
    );
  });

  it('when a post fits LinkedIn but not Bluesky, then Bluesky refuses it', () => {
    const result = renderBlueskyText('word '.repeat(100), { sanitize: true });
    assert.ok(!result.ok);
    assert.equal(result.issues[0]?.code, 'TOO_LONG');
  });

  it('when the body is built to make the tag and mention patterns backtrack, then it is answered promptly', () => {
    const hostile = [
      `@${'a.'.repeat(5000)}-`,
      `@${`${'a'.repeat(62)}.`.repeat(150)}1`,
      '@a.b'.repeat(3000),
      '#a'.repeat(6000),
      `@${'a-'.repeat(5000)}`,
    ];
    for (const body of hostile) {
      for (const sanitize of [true, false]) {
        const started = performance.now();
        const result = renderBlueskyText(body, { sanitize });
        // Milliseconds when idle; the bound leaves room for a loaded machine.
        assert.ok(performance.now() - started < 5_000, `${body.slice(0, 12)}… took too long`);
        assert.ok(!result.ok);
      }
    }
  });

  it('when any text is rendered, then facets are in order, inside the text, apart, and cover what they name', () => {
    const piece = fc.constantFrom(
      'é',
      '👋🏽',
      ' ',
      '\n',
      '#tag',
      '@bob.test',
      '[site](https://example.com)',
      'https://x.example/y',
      '`#code`',
      '*',
      '> ',
      '- ',
      'ß',
      '漢字',
      '.',
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 40 }), (pieces) => {
        const result = renderBlueskyText(pieces.join(''), { sanitize: true });
        if (!result.ok) return;
        const total = Buffer.byteLength(result.rendered.text);
        let last = 0;
        for (const facet of covered(result.rendered)) {
          if (facet.feature.kind === 'tag') assert.equal(facet.words, `#${facet.feature.tag}`);
          if (facet.feature.kind === 'mention') {
            assert.equal(facet.words.toLowerCase(), `@${facet.feature.handle}`);
          }
        }
        for (const facet of result.rendered.facets) {
          assert.ok(facet.byteStart >= last && facet.byteEnd > facet.byteStart);
          assert.ok(facet.byteEnd <= total);
          last = facet.byteEnd;
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('Bluesky mentions: resolved to DIDs', () => {
  const drafts = rendered('@bob.test and @Bob.Test and @ghost.test').facets;

  it('when every handle resolves, then each mention facet carries its DID and each handle is asked once', async () => {
    const asked: string[] = [];
    const result = await resolveFacets(drafts.slice(0, 2), async (handle) => {
      asked.push(handle);
      return 'did:plc:bob';
    });
    assert.ok(result.ok);
    assert.deepEqual(asked, ['bob.test']);
    assert.deepEqual(result.facets[1], {
      index: { byteStart: drafts[1]!.byteStart, byteEnd: drafts[1]!.byteEnd },
      features: [{ $type: 'app.bsky.richtext.facet#mention', did: 'did:plc:bob' }],
    });
  });

  it('when a handle resolves to no account, then it is an issue naming the handle', async () => {
    const result = await resolveFacets(drafts, async (handle) =>
      handle === 'bob.test' ? 'did:plc:bob' : null,
    );
    assert.ok(!result.ok);
    assert.equal(result.issues.length, 1);
    assert.equal(result.issues[0]?.code, 'UNRESOLVED_MENTION');
    assert.match(result.issues[0]?.message ?? '', /@ghost\.test/);
  });
});

describe('Bluesky images: checked before approval', () => {
  const png = pngBytes(40, 20);
  const image = (overrides: Partial<ImageInput> = {}): ImageInput => ({
    mime: 'image/png',
    size: png.byteLength,
    bytes: png,
    alt: 'A grey rectangle',
    ...overrides,
  });

  it('when an image is fine, then it is kept by content address with its aspect ratio', () => {
    const result = checkImages([image()]);
    assert.ok(result.ok);
    assert.deepEqual(result.images, [
      {
        mediaId: `sha256:${createHash('sha256').update(png).digest('hex')}`,
        mime: 'image/png',
        size: png.byteLength,
        alt: 'A grey rectangle',
        aspectRatio: { width: 40, height: 20 },
      },
    ]);
  });

  it('when a JPEG says it is turned a quarter, then the aspect ratio is the one displayed', () => {
    const jpeg = rotatedJpegHeader(400, 300);
    const result = checkImages([image({ mime: 'image/jpeg', bytes: jpeg, size: jpeg.byteLength })]);
    assert.ok(result.ok);
    assert.deepEqual(result.images[0]?.aspectRatio, { width: 300, height: 400 });
  });

  it('when there are five images, one without alt text, one too large and one not what it claims, then every problem is reported', () => {
    const large = pngBytes(2, 2, BLUESKY_LIMITS.imageBytes);
    const result = checkImages([
      image(),
      image({ alt: '  ' }),
      image({ bytes: large, size: large.byteLength }),
      image({ mime: 'image/jpeg' }),
      image({ mime: 'image/svg+xml' }),
    ]);
    assert.ok(!result.ok);
    assert.deepEqual(
      result.issues.map((issue) => [issue.path, issue.code]),
      [
        ['images', 'TOO_MANY_IMAGES'],
        ['images.1.alt', 'MISSING_ALT_TEXT'],
        ['images.2', 'IMAGE_TOO_LARGE'],
        ['images.3', 'INVALID_IMAGE'],
        ['images.4', 'UNSUPPORTED_IMAGE_TYPE'],
      ],
    );
    assert.match(result.issues[2]?.message ?? '', new RegExp(`is ${large.byteLength} bytes`));
  });

  it('when the declared size is not the size of the bytes, then the image is refused', () => {
    const result = checkImages([image({ size: png.byteLength + 1 })]);
    assert.ok(!result.ok);
    assert.equal(result.issues[0]?.code, 'INVALID_IMAGE');
  });
});
