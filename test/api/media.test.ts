import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../api/app';
import { vaultFrom } from '../../platform/crypto/keyring';
import { bearer, buildTestApp, createKeys, type Keys } from '../helpers/api';
import { post, publishingDeps } from '../helpers/content';
import { pdf, png } from '../helpers/media';
import { startStack, uniqueId, type Stack } from '../helpers/stack';

/** A multipart/form-data body with one file part. */
function multipart(field: string, data: Buffer, type = 'application/octet-stream') {
  const boundary = `----stargue${uniqueId('b')}`;
  const payload = Buffer.concat([
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="${field}"; filename="upload.bin"\r\nContent-Type: ${type}\r\n\r\n`,
    ),
    data,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return { payload, headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

describe('POST /v1/media and GET /v1/media/:id', () => {
  let stack: Stack;
  let app: FastifyInstance;
  let keys: Keys;
  before(async () => {
    stack = await startStack({ connectAccount: false });
    app = await buildTestApp(stack);
    keys = await createKeys(stack);
  });
  after(async () => {
    await app.close();
    await stack.close();
  });

  const upload = (key: string, data: Buffer, type: string) =>
    app.inject({
      method: 'POST',
      url: '/v1/media',
      headers: { ...bearer(key), 'content-type': type },
      payload: data,
    });

  it('when an editor uploads a PNG as the raw body, then it is stored and the same bytes again get the same id', async () => {
    const image = png(4, 3);
    const first = await upload(keys.editor, image, 'image/png');
    assert.equal(first.statusCode, 201, first.body);
    const media = first.json();
    assert.match(media.id, /^sha256:[0-9a-f]{64}$/);
    assert.deepEqual(
      { ...media, id: undefined },
      { id: undefined, type: 'image/png', bytes: image.length, width: 4, height: 3 },
    );
    const again = await upload(keys.integration, image, 'application/octet-stream');
    assert.equal(again.statusCode, 200);
    assert.equal(again.json().id, media.id);
    const viaForm = multipart('file', image, 'image/png');
    const third = await app.inject({
      method: 'POST',
      url: '/v1/media',
      headers: { ...bearer(keys.integration), ...viaForm.headers },
      payload: viaForm.payload,
    });
    assert.equal(third.statusCode, 200, third.body);
    assert.equal(third.json().id, media.id);
    const audit = await stack.db.audit.findMany({ where: { subject: media.id } });
    assert.equal(audit.length, 1, 'the first upload is audited once');
    assert.equal(audit[0]?.action, 'media.uploaded');
  });

  it('when a PDF is uploaded as multipart, then its type comes from the bytes and its pages are counted', async () => {
    const form = multipart('file', await pdf(4), 'image/png');
    const response = await app.inject({
      method: 'POST',
      url: '/v1/media',
      headers: { ...bearer(keys.integration), ...form.headers },
      payload: form.payload,
    });
    assert.equal(response.statusCode, 201, response.body);
    assert.equal(response.json().type, 'application/pdf');
    assert.equal(response.json().pages, 4);
  });

  it('when the bytes are not an image or PDF, or damaged, then 422 names the file problem', async () => {
    const text = await upload(
      keys.editor,
      Buffer.from('just some text'),
      'application/octet-stream',
    );
    assert.equal(text.statusCode, 422);
    assert.equal(text.json().error, 'VALIDATION_FAILED');
    assert.deepEqual(
      text.json<{ issues: { path: string; code: string }[] }>().issues.map((i) => [i.path, i.code]),
      [['file', 'MEDIA_UNSUPPORTED_TYPE']],
    );
    const huge = await upload(keys.editor, png(10_000, 4_000), 'image/png');
    assert.equal(huge.statusCode, 422);
    assert.equal(huge.json().issues[0].code, 'MEDIA_TOO_MANY_PIXELS');
  });

  it('when the request is not an upload, then it is refused in the API error shape', async () => {
    const plain = await upload(keys.editor, Buffer.from('hello'), 'text/plain');
    assert.equal(plain.statusCode, 415);
    assert.equal(plain.json().error, 'UNSUPPORTED_MEDIA_TYPE');
    const wrongPart = multipart('picture', png(2, 2));
    const noFile = await app.inject({
      method: 'POST',
      url: '/v1/media',
      headers: { ...bearer(keys.editor), ...wrongPart.headers },
      payload: wrongPart.payload,
    });
    assert.equal(noFile.statusCode, 422);
    assert.match(noFile.json().message, /no part named `file`/);
    const noBoundary = await app.inject({
      method: 'POST',
      url: '/v1/media',
      headers: { ...bearer(keys.editor), 'content-type': 'multipart/form-data' },
      payload: 'whatever',
    });
    assert.equal(noBoundary.statusCode, 400, noBoundary.body);
    assert.equal(noBoundary.json().error, 'BAD_REQUEST');
    const cutShort = multipart('file', png(2, 2));
    const truncated = await app.inject({
      method: 'POST',
      url: '/v1/media',
      headers: { ...bearer(keys.editor), ...cutShort.headers },
      payload: cutShort.payload.subarray(0, cutShort.payload.length - 20),
    });
    assert.ok([400, 422].includes(truncated.statusCode), truncated.body);
    const anonymous = await app.inject({
      method: 'POST',
      url: '/v1/media',
      headers: { 'content-type': 'image/png' },
      payload: png(2, 2),
    });
    assert.equal(anonymous.statusCode, 401);
  });

  it('when an upload is over MEDIA_MAX_BYTES, then it answers 413 whether raw or multipart, and other routes keep 1 MiB', async () => {
    const small = await buildApp({
      log: stack.log,
      publishing: publishingDeps(stack),
      linkedin: null,
      vault: vaultFrom(stack.config),
      readiness: [],
      mediaMaxBytes: 4096,
    });
    try {
      const big = Buffer.concat([png(2, 2), Buffer.alloc(5000)]);
      const raw = await small.inject({
        method: 'POST',
        url: '/v1/media',
        headers: { ...bearer(keys.editor), 'content-type': 'image/png' },
        payload: big,
      });
      assert.equal(raw.statusCode, 413);
      assert.equal(raw.json().error, 'PAYLOAD_TOO_LARGE');
      const form = multipart('file', big);
      const viaForm = await small.inject({
        method: 'POST',
        url: '/v1/media',
        headers: { ...bearer(keys.editor), ...form.headers },
        payload: form.payload,
      });
      assert.equal(viaForm.statusCode, 413, viaForm.body);
      assert.equal(viaForm.json().error, 'PAYLOAD_TOO_LARGE');
    } finally {
      await small.close();
    }
    const twoMiB = Buffer.concat([png(2, 2), Buffer.alloc(2 * 1024 * 1024)]);
    const withinMediaLimit = await upload(keys.editor, twoMiB, 'image/png');
    assert.equal(withinMediaLimit.statusCode, 201, 'the media route has its own limit');
    const content = await app.inject({
      method: 'POST',
      url: '/v1/content',
      headers: { ...bearer(keys.editor), 'content-type': 'application/json' },
      payload: JSON.stringify({ id: 'big', markdown: 'x'.repeat(2 * 1024 * 1024) }),
    });
    assert.equal(content.statusCode, 413);
  });

  it('when stored media are read back, then facts and bytes come with safe headers; unknown or malformed ids are 404 and 422', async () => {
    const image = png(3, 3);
    const { id } = (await upload(keys.editor, image, 'image/png')).json();
    const facts = await app.inject({
      method: 'GET',
      url: `/v1/media/${id}`,
      headers: bearer(keys.integration),
    });
    assert.equal(facts.statusCode, 200);
    assert.equal(facts.json().width, 3);
    const bytes = await app.inject({
      method: 'GET',
      url: `/v1/media/${id}/content`,
      headers: bearer(keys.editor),
    });
    assert.equal(bytes.statusCode, 200);
    assert.equal(bytes.headers['content-type'], 'image/png');
    assert.equal(bytes.headers['x-content-type-options'], 'nosniff');
    assert.match(String(bytes.headers['content-security-policy']), /sandbox/);
    assert.deepEqual(bytes.rawPayload, image);
    const document = (await upload(keys.editor, await pdf(1), 'application/pdf')).json();
    const pdfBytes = await app.inject({
      method: 'GET',
      url: `/v1/media/${document.id}/content`,
      headers: bearer(keys.editor),
    });
    assert.match(String(pdfBytes.headers['content-disposition']), /^attachment/);
    const unknown = await app.inject({
      method: 'GET',
      url: `/v1/media/sha256:${'0'.repeat(64)}`,
      headers: bearer(keys.editor),
    });
    assert.equal(unknown.statusCode, 404);
    const malformed = await app.inject({
      method: 'GET',
      url: '/v1/media/logo.png',
      headers: bearer(keys.editor),
    });
    assert.equal(malformed.statusCode, 422);
  });

  it('when content refers to media that are missing or of the wrong kind, then submitting answers 422 naming each', async () => {
    const document = (await upload(keys.editor, await pdf(2), 'application/pdf')).json();
    const missing = `sha256:${'9'.repeat(64)}`;
    const response = await app.inject({
      method: 'POST',
      url: '/v1/content',
      headers: bearer(keys.integration),
      payload: {
        id: uniqueId('media-refs'),
        markdown: post({
          body: `Two pictures ![Stage](media:${missing}) ![Deck](media:${document.id})`,
        }),
      },
    });
    assert.equal(response.statusCode, 422, response.body);
    const found = response.json().issues as { code: string; message: string }[];
    assert.deepEqual(
      found.map((i) => i.code),
      ['MEDIA_NOT_FOUND', 'MEDIA_WRONG_TYPE'],
    );
    assert.match(found[0]?.message ?? '', /Image 1 \("Stage", sha256:9999/);
    assert.match(found[1]?.message ?? '', /application\/pdf; it must be an image/);
  });

  it('when content with images or a document is submitted, then the preview shows them where the post will', async () => {
    const image = (await upload(keys.editor, png(8, 6), 'image/png')).json();
    const id = uniqueId('media-preview');
    const submitted = await app.inject({
      method: 'POST',
      url: '/v1/content',
      headers: bearer(keys.integration),
      payload: {
        id,
        markdown: post({ body: `**Launch** day\n\n![The team on stage](media:${image.id})` }),
      },
    });
    assert.equal(submitted.statusCode, 202, submitted.body);
    const preview = (
      await app.inject({
        method: 'GET',
        url: `/v1/content/${id}/preview`,
        headers: bearer(keys.editor),
      })
    ).json();
    const linkedin = preview.outlets[0];
    assert.equal(linkedin.text, 'Launch day');
    assert.equal(linkedin.length, 'Launch day'.length);
    assert.deepEqual(linkedin.media, {
      kind: 'images',
      images: [
        {
          id: image.id,
          alt: 'The team on stage',
          type: 'image/png',
          width: 8,
          height: 6,
          url: `/v1/media/${encodeURIComponent(image.id)}/content`,
        },
      ],
    });
    const view = (
      await app.inject({ method: 'GET', url: `/v1/content/${id}`, headers: bearer(keys.editor) })
    ).json();
    assert.equal(view.title, 'Launch day', 'the title is the rendered text, not **Launch**');

    const document = (await upload(keys.editor, await pdf(5), 'application/pdf')).json();
    const deckId = uniqueId('media-deck');
    const deck = await app.inject({
      method: 'POST',
      url: '/v1/content',
      headers: bearer(keys.integration),
      payload: {
        id: deckId,
        markdown: post({
          body: 'Our quarter.',
          extra: `document: {media: ${document.id}, title: Q4 in five slides}`,
        }),
      },
    });
    assert.equal(deck.statusCode, 202, deck.body);
    const deckPreview = (
      await app.inject({
        method: 'GET',
        url: `/v1/content/${deckId}/preview`,
        headers: bearer(keys.editor),
      })
    ).json();
    assert.deepEqual(deckPreview.outlets[0].media, {
      kind: 'document',
      id: document.id,
      title: 'Q4 in five slides',
      pages: 5,
      bytes: document.bytes,
      url: `/v1/media/${encodeURIComponent(document.id)}/content`,
    });
  });

  it('when the OpenAPI document is read, then it describes the upload’s body types and the media schema', async () => {
    const spec = (await app.inject({ method: 'GET', url: '/openapi.json' })).json();
    const uploadOp = spec.paths['/v1/media'].post;
    assert.deepEqual(Object.keys(uploadOp.requestBody.content).sort(), [
      'application/octet-stream',
      'application/pdf',
      'image/gif',
      'image/jpeg',
      'image/png',
      'multipart/form-data',
    ]);
    assert.ok(uploadOp.responses['201']);
    assert.ok(spec.paths['/v1/media/{id}'].get);
    assert.ok(spec.paths['/v1/media/{id}/content'].get);
    assert.ok(spec.components.schemas.Media);
  });
});
