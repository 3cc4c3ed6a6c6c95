import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { inspectMedia, type Inspection } from '../../media/inspect';
import { pdfPageCount } from '../../media/pdf';
import { mediaIdOf } from '../../media/store';
import { gif, jpeg, pdf, png } from '../helpers/media';

const MAX = 25 * 1024 * 1024;
const facts = (result: Inspection) => {
  if (!result.ok) assert.fail(`expected the file to pass, got ${result.code}: ${result.message}`);
  return result.facts;
};
const refused = (result: Inspection) => {
  if (result.ok) assert.fail(`expected a refusal, got ${JSON.stringify(result.facts)}`);
  return result;
};

describe('media checked by their bytes', () => {
  it('when a PNG, JPEG or GIF arrives, then its type, size and dimensions are read from the bytes', () => {
    const image = png(4, 3);
    assert.deepEqual(facts(inspectMedia(image, MAX)), {
      type: 'image/png',
      bytes: image.length,
      width: 4,
      height: 3,
    });
    assert.deepEqual(facts(inspectMedia(jpeg(640, 480), MAX)).width, 640);
    assert.equal(facts(inspectMedia(jpeg(640, 480), MAX)).type, 'image/jpeg');
    const animated = facts(inspectMedia(gif(3), MAX));
    assert.equal(animated.type, 'image/gif');
    assert.equal(animated.frames, 3);
  });

  it('when a PDF arrives, then its pages are counted whether its page tree is compressed or not', async () => {
    const compressed = facts(inspectMedia(await pdf(3, { objectStreams: true }), MAX));
    assert.deepEqual([compressed.type, compressed.pages], ['application/pdf', 3]);
    const plain = facts(inspectMedia(await pdf(12, { objectStreams: false }), MAX));
    assert.equal(plain.pages, 12);
  });

  it('when the bytes are not an image or a PDF, then they are refused whatever they claim to be', () => {
    assert.equal(
      refused(inspectMedia(Buffer.from('<svg xmlns="…"/>'), MAX)).code,
      'MEDIA_UNSUPPORTED_TYPE',
    );
    assert.equal(refused(inspectMedia(Buffer.alloc(0), MAX)).code, 'MEDIA_EMPTY');
  });

  it('when an image is damaged, then it is refused as damaged', () => {
    const truncated = png(4, 3).subarray(0, 12);
    assert.equal(refused(inspectMedia(truncated, MAX)).code, 'MEDIA_DAMAGED');
    const noFrames = Buffer.concat([gif(1).subarray(0, 13), Buffer.from([0x99])]);
    assert.equal(refused(inspectMedia(noFrames, MAX)).code, 'MEDIA_DAMAGED');
  });

  it('when an image has LinkedIn’s pixel limit or more, or a GIF more than 250 frames, then it is refused', () => {
    const huge = refused(inspectMedia(png(10_000, 4_000), MAX));
    assert.equal(huge.code, 'MEDIA_TOO_MANY_PIXELS');
    assert.match(huge.message, /40000000 pixels; it must have fewer than 36152320/);
    assert.ok(inspectMedia(png(6_000, 6_000), MAX).ok, '36,000,000 pixels pass');
    assert.equal(refused(inspectMedia(gif(251), MAX)).code, 'MEDIA_TOO_MANY_FRAMES');
    assert.ok(inspectMedia(gif(250), MAX).ok);
  });

  it('when a PDF has more than 300 pages, then it is refused', async () => {
    const result = refused(inspectMedia(await pdf(301), MAX));
    assert.equal(result.code, 'MEDIA_TOO_MANY_PAGES');
  });

  it('when a file is over the store’s limit or an image over 5 MiB, then it is refused as too large', () => {
    const image = png(4, 3);
    assert.equal(refused(inspectMedia(image, image.length - 1)).code, 'MEDIA_TOO_LARGE');
    const bigImage = Buffer.concat([png(4, 3), Buffer.alloc(5 * 1024 * 1024)]);
    assert.match(refused(inspectMedia(bigImage, MAX)).message, /limit is 5242880 bytes/);
  });

  it('when a hostile PDF repeats object-stream markers without ending them, then counting stays quick and gives no count', () => {
    const hostile = Buffer.from(
      `%PDF-1.7\n${'1 0 obj <</Type /ObjStm /Filter /FlateDecode>> stream\n'.repeat(50_000)}`,
      'latin1',
    );
    const started = performance.now();
    assert.equal(pdfPageCount(hostile), undefined);
    assert.ok(performance.now() - started < 5_000, 'bounded work');
  });

  it('when the same bytes are seen twice, then they have the same sha256 id; other bytes another', () => {
    const image = png(2, 2, 'same');
    assert.match(mediaIdOf(image), /^sha256:[0-9a-f]{64}$/);
    assert.equal(mediaIdOf(image), mediaIdOf(Buffer.from(image)));
    assert.notEqual(mediaIdOf(image), mediaIdOf(png(2, 2, 'other')));
  });
});
