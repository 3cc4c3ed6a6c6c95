import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { StargueError, createStargueClient, type StargueClient } from '../../sdk/client';
import { buildTestApp, createKeys, type Keys } from '../helpers/api';
import { post } from '../helpers/content';
import { pdf, png } from '../helpers/media';
import { eventually, startStack, uniqueId, type Stack } from '../helpers/stack';

describe('REST API over real HTTP with the typed client', () => {
  let stack: Stack;
  let app: FastifyInstance;
  let keys: Keys;
  let feed: StargueClient;
  let editor: StargueClient;

  before(async () => {
    stack = await startStack();
    await stack.startWorker();
    app = await buildTestApp(stack);
    keys = await createKeys(stack);
    const baseUrl = await app.listen({ host: '127.0.0.1', port: 0 });
    feed = createStargueClient({ baseUrl, apiKey: keys.integration });
    editor = createStargueClient({ baseUrl, apiKey: keys.editor });
  });
  after(async () => {
    await app.close();
    await stack.close();
  });

  it('when an integration submits and an editor approves over HTTP, then the typed client sees it published', async () => {
    const id = uniqueId('http');
    const submitted = await feed.submit({ id, markdown: post() });
    assert.equal(submitted.workflowId, `content:${id}:v1`);
    await eventually(async () =>
      (await editor.get(id)).status === 'awaiting_approval' ? true : undefined,
    );
    const { contentHash } = await editor.preview(id);
    await editor.approve(id, { contentHash, note: 'ok' });
    const view = await eventually(async () => {
      const v = await editor.get(id);
      return v.status === 'published' ? v : undefined;
    });
    assert.match(view.publications[0]?.postUrn ?? '', /^urn:li:share:/);
    const listed = await editor.list({ status: 'published' });
    assert.ok(listed.items.some((i) => i.id === id));
  });

  it('when media are uploaded with the typed client, then the id comes back, the same for the same bytes, and can be read', async () => {
    const image = new Uint8Array(png(9, 9));
    const stored = await feed.uploadMedia(image, 'image/png');
    assert.match(stored.id, /^sha256:[0-9a-f]{64}$/);
    assert.deepEqual([stored.type, stored.width, stored.height], ['image/png', 9, 9]);
    assert.equal((await editor.uploadMedia(new Blob([image]))).id, stored.id);
    const document = await feed.uploadMedia(new Uint8Array(await pdf(3)));
    assert.deepEqual([document.type, document.pages], ['application/pdf', 3]);
    assert.equal((await editor.media(stored.id)).bytes, image.length);
    await assert.rejects(
      feed.uploadMedia(new Uint8Array(Buffer.from('plain text'))),
      (err: unknown) =>
        err instanceof StargueError && err.status === 422 && err.issues[0]?.path === 'file',
    );
  });

  it('when the API refuses, then the typed client throws StargueError with the code, status and issues', async () => {
    await assert.rejects(
      feed.approve('whatever', { contentHash: 'a'.repeat(64) }),
      (err: unknown) =>
        err instanceof StargueError && err.status === 403 && err.code === 'FORBIDDEN',
    );
    await assert.rejects(
      feed.submit({ id: uniqueId('bad'), markdown: '---\nstatus: ready\n---\n' }),
      (err: unknown) =>
        err instanceof StargueError &&
        err.status === 422 &&
        err.issues.some((i) => i.path === 'language'),
    );
    await assert.rejects(
      editor.get('no-such-thing'),
      (err: unknown) => err instanceof StargueError && err.status === 404,
    );
    const noKey = createStargueClient({
      baseUrl: `http://127.0.0.1:${(app.server.address() as { port: number }).port}`,
      apiKey: '',
    });
    await assert.rejects(
      noKey.list(),
      (err: unknown) => err instanceof StargueError && err.status === 401,
    );
  });
});
