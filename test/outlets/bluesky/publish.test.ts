import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { BlobRef } from '@atproto/api';
import { TID } from '@atproto/common-web';
import { BLUESKY_POST_COLLECTION } from '../../../contracts/bluesky';
import { FailureType } from '../../../contracts/workflow';
import { mediaIdOf } from '../../../outlets/bluesky';
import {
  startBlueskyNetwork,
  type BlueskyNetwork,
  type TestAccount,
} from '../../helpers/bluesky-network';
import { pngBytes } from './images';
import {
  input,
  marker,
  media,
  openSession,
  payloadFor,
  testChannel,
  testOutlet,
  type TestChannel,
} from './setup';

describe('Bluesky outlet against the reference PDS: what gets published', () => {
  let net: BlueskyNetwork;
  let alice: TestAccount;
  let bob: TestAccount;
  let channel: TestChannel;
  const outlet = testOutlet();

  before(async () => {
    net = await startBlueskyNetwork();
    alice = await net.createAccount('alice');
    bob = await net.createAccount('bob');
    channel = testChannel(net.serviceUrl, alice);
  });
  after(() => net?.close());

  it('when a post has a link, a tag and a mention of another account after emoji and accents, then the record read back has the text and each facet at its UTF-8 bytes', async () => {
    const words = marker('Héllo 👋🏽 wörld');
    const body = `${words} — read [our notes](https://example.com/notes?x=1) on #launch with @${bob.handle}.`;
    const rendered = await outlet.render(input(body, { language: 'fr-CA' }), channel.channel);
    assert.ok(rendered.ok, JSON.stringify(rendered));
    assert.deepEqual(rendered.post.measures, [
      {
        unit: 'graphemes',
        value: [...new Intl.Segmenter().segment(rendered.post.text)].length,
        limit: 300,
      },
      { unit: 'utf8_bytes', value: Buffer.byteLength(rendered.post.text), limit: 3000 },
    ]);
    const session = await openSession(outlet, channel);
    const key = outlet.newPublicationKey();
    const outcome = await session.create(key, rendered.post.payload);

    const uri = `at://${alice.did}/${BLUESKY_POST_COLLECTION}/${key}`;
    assert.equal(outcome.kind, 'created');
    assert.equal(outcome.kind === 'created' && outcome.post.id, uri);
    assert.equal(outcome.kind === 'created' && outcome.resolution, 'created');
    assert.equal(outlet.postUrl({ id: uri }), `https://bsky.app/profile/${alice.did}/post/${key}`);

    const record = await net.readRecord(alice.did, BLUESKY_POST_COLLECTION, key);
    assert.ok(record);
    const text = `${words} — read our notes on #launch with @${bob.handle}.`;
    assert.equal(record.text, text);
    assert.deepEqual(record.langs, ['fr-CA']);
    assert.equal(record.createdAt, new Date(TID.fromStr(key).timestamp() / 1000).toISOString());
    const bytes = Buffer.from(text, 'utf8');
    const facets = record.facets as {
      index: { byteStart: number; byteEnd: number };
      features: Record<string, unknown>[];
    }[];
    assert.deepEqual(
      facets.map((facet) => [
        bytes.subarray(facet.index.byteStart, facet.index.byteEnd).toString('utf8'),
        facet.features,
      ]),
      [
        [
          'our notes',
          [{ $type: 'app.bsky.richtext.facet#link', uri: 'https://example.com/notes?x=1' }],
        ],
        ['#launch', [{ $type: 'app.bsky.richtext.facet#tag', tag: 'launch' }]],
        [`@${bob.handle}`, [{ $type: 'app.bsky.richtext.facet#mention', did: bob.did }]],
      ],
    );
    // Byte offsets, not JavaScript's UTF-16 ones: they differ after the emoji and accents.
    const linkStart = facets[0]?.index.byteStart ?? -1;
    assert.equal(linkStart, Buffer.byteLength(text.slice(0, text.indexOf('our notes'))));
    assert.notEqual(linkStart, text.indexOf('our notes'));
  });

  it('when a mention names a handle no account has, then validation refuses it before anything is sent', async () => {
    const since = net.proxy.mark();
    const rendered = await outlet.render(input('Hello @ghost.test and #tag'), channel.channel);
    assert.ok(!rendered.ok);
    assert.deepEqual(
      rendered.issues.map((issue) => issue.code),
      ['UNRESOLVED_MENTION'],
    );
    assert.match(rendered.issues[0]?.message ?? '', /@ghost\.test/);
    assert.equal(net.proxy.count('com.atproto.repo.createRecord', since), 0);
  });

  it('when the text fits LinkedIn but not Bluesky, then it is refused with the measured length', async () => {
    const rendered = await outlet.render(input('Long line. '.repeat(40)), channel.channel);
    assert.ok(!rendered.ok);
    assert.equal(rendered.issues[0]?.code, 'TOO_LONG');
    assert.match(
      rendered.issues[0]?.message ?? '',
      /is 439 characters \(graphemes\) and 439 UTF-8 bytes; the limit is 300/,
    );
  });

  it('when a post has images with alt text, then they are uploaded and embedded with their aspect ratios', async () => {
    const wide = pngBytes(64, 32);
    const tall = pngBytes(30, 90);
    for (const bytes of [wide, tall]) media.set(mediaIdOf(bytes), bytes);
    const images = [
      { mime: 'image/png', size: wide.byteLength, bytes: wide, alt: 'A wide grey banner' },
      { mime: 'image/png', size: tall.byteLength, bytes: tall, alt: 'A tall grey column' },
    ];
    const words = marker('Two pictures');
    const payload = await payloadFor(outlet, channel, words, { images });
    const session = await openSession(outlet, channel);
    const key = outlet.newPublicationKey();
    const outcome = await session.create(key, payload);
    assert.equal(outcome.kind, 'created', JSON.stringify(outcome));

    const record = await net.readRecord(alice.did, BLUESKY_POST_COLLECTION, key);
    const embed = record?.embed as {
      $type: string;
      images: {
        alt: string;
        aspectRatio: unknown;
        image: BlobRef;
      }[];
    };
    assert.equal(embed.$type, 'app.bsky.embed.images');
    assert.deepEqual(
      embed.images.map((image) => [
        image.alt,
        image.aspectRatio,
        image.image.mimeType,
        image.image.size,
      ]),
      [
        ['A wide grey banner', { width: 64, height: 32 }, 'image/png', wide.byteLength],
        ['A tall grey column', { width: 30, height: 90 }, 'image/png', tall.byteLength],
      ],
    );
    const stored = await net.readBlob(alice.did, String(embed.images[0]!.image.ref));
    assert.deepEqual(new Uint8Array(stored), wide);
  });

  it('when an image has no alt text, then validation refuses the post', async () => {
    const bytes = pngBytes(8, 8);
    const rendered = await outlet.render(
      input('Picture', { images: [{ mime: 'image/png', size: bytes.byteLength, bytes, alt: '' }] }),
      channel.channel,
    );
    assert.ok(!rendered.ok);
    assert.deepEqual(
      rendered.issues.map((issue) => [issue.path, issue.code]),
      [['images.0.alt', 'MISSING_ALT_TEXT']],
    );
  });

  it('when an image no longer has the approved bytes at publish time, then nothing is posted', async () => {
    const approved = pngBytes(10, 10);
    const payload = await payloadFor(outlet, channel, marker('Changed picture'), {
      images: [{ mime: 'image/png', size: approved.byteLength, bytes: approved, alt: 'grey' }],
    });
    media.set(mediaIdOf(approved), pngBytes(11, 10));
    const session = await openSession(outlet, channel);
    const key = outlet.newPublicationKey();
    const outcome = await session.create(key, payload);
    assert.equal(outcome.kind, 'permanent');
    assert.equal(outcome.kind === 'permanent' && outcome.type, FailureType.ContentChanged);
    assert.equal(await net.readRecord(alice.did, BLUESKY_POST_COLLECTION, key), null);
  });
});
