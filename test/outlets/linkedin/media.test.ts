// Posts with images and PDF documents on the real stack (Temporal, Postgres, the production
// worker as its own process, the LinkedIn stand-in): each is published exactly once with its alt
// texts or title, also when the worker dies between the upload and the create; a
// PROCESSING_FAILED image ends the item with a reason; a token that may not read media status
// waits a grace instead.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { mediaIdOf } from '../../../media/store';
import { uploadMedia } from '../../../publishing/media';
import {
  endWorker,
  spawnDrillWorker,
  waitForLine,
  workerRunning,
  type WorkerChild,
} from '../../drills/support/drill';
import { EDITOR, post, publishingDeps, submit } from '../../helpers/content';
import { gif, jpeg, pdf, png } from '../../helpers/media';
import { startStack, uniqueId, type Stack } from '../../helpers/stack';
import { waitForExit } from '../../helpers/worker-process';
import { approve, createRequestsSince, ledgerFor, reaches } from './pipeline';

const SCOPES = ['openid', 'profile', 'w_member_social'];
const MAX = 25 * 1024 * 1024;

interface Upload {
  id: string;
  bytes: Buffer;
}

async function store(stack: Stack, bytes: Buffer): Promise<Upload> {
  const { media } = await uploadMedia(publishingDeps(stack), EDITOR, new Uint8Array(bytes), MAX);
  assert.equal(media.id, mediaIdOf(bytes));
  return { id: media.id, bytes };
}

/** Submits an item with a unique marker and media, and waits until it awaits approval. */
async function submitWithMedia(stack: Stack, prefix: string, body: string, extra?: string) {
  const id = uniqueId(prefix);
  const marker = uniqueId('m');
  const submitted = await submit(
    stack,
    id,
    post({ body: `${marker} ${body}`, ...(extra ? { extra } : {}) }),
  );
  assert.equal(submitted.created, true);
  await reaches(stack, id, 'awaiting_approval');
  return { id, marker };
}

const initRequestsSince = async (stack: Stack, since: number) =>
  (await stack.standIn.requests()).filter(
    (r) => r.method === 'POST' && /^\/rest\/(images|documents)$/.test(r.path) && r.at >= since,
  );

describe('posts with images and documents', () => {
  let stack: Stack;
  const children: WorkerChild[] = [];

  before(async () => {
    stack = await startStack({ scopes: SCOPES });
  });
  after(async () => {
    for (const child of children) await endWorker(child);
    await stack.close();
  });

  const spawn = async (hook: 'before_send' | null) => {
    const child = spawnDrillWorker(stack, hook ? { hook } : null);
    children.push(child);
    await workerRunning(child);
    return child;
  };

  const cases = [
    {
      name: 'one image',
      files: async () => [await store(stack, png(6, 4))],
      body: (ids: string[]) => `Launch day. ![The team on stage, cheering](media:${ids[0]})`,
      extra: () => undefined,
      content: (urns: string[]) => ({
        media: { id: urns[0], altText: 'The team on stage, cheering' },
      }),
    },
    {
      name: 'three images',
      files: async () => [
        await store(stack, png(3, 3)),
        await store(stack, jpeg(640, 480)),
        await store(stack, gif(2)),
      ],
      body: (ids: string[]) =>
        `Three views:\n\n![Front of the shop](media:${ids[0]}) ![The counter](media:${ids[1]})\n\n![Our sign, animated](media:${ids[2]})`,
      extra: () => undefined,
      content: (urns: string[]) => ({
        multiImage: {
          images: [
            { id: urns[0], altText: 'Front of the shop' },
            { id: urns[1], altText: 'The counter' },
            { id: urns[2], altText: 'Our sign, animated' },
          ],
        },
      }),
    },
    {
      name: 'one PDF',
      files: async () => [await store(stack, await pdf(6))],
      body: () => 'Our quarter in six slides.',
      extra: (ids: string[]) => `document: {media: ${ids[0]}, title: Q4 in six slides}`,
      content: (urns: string[]) => ({ media: { id: urns[0], title: 'Q4 in six slides' } }),
    },
  ];

  for (const c of cases) {
    it(`when a post with ${c.name} is approved and the worker dies between the upload and the create, then it is published once with its media`, async () => {
      const doomed = await spawn('before_send');
      const files = await c.files();
      const ids = files.map((f) => f.id);
      const item = await submitWithMedia(stack, 'media', c.body(ids), c.extra(ids));
      const since = Date.now();
      await approve(stack, item.id);
      await waitForLine(doomed, /DRILL_HOOK before_send/, 90_000);

      // Uploaded, processed and recorded with the publication; the create has not left.
      const pub = await stack.db.publication.findFirstOrThrow({ where: { contentId: item.id } });
      assert.equal(pub.state, 'sending');
      const rows = await stack.db.publicationMedia.findMany({
        where: { publicationId: pub.id },
        orderBy: { position: 'asc' },
      });
      assert.deepEqual(
        rows.map((r) => [r.mediaId, r.state, r.ownerUrn]),
        ids.map((id) => [id, 'available', `urn:li:person:${stack.standIn.member.sub}`]),
      );
      const assets = await stack.standIn.media();
      for (const [index, row] of rows.entries()) {
        const asset = assets.find((a) => a.urn === row.assetUrn);
        assert.ok(asset, `the stand-in knows ${row.assetUrn}`);
        assert.equal(asset.owner, pub.authorUrn, 'uploaded under the post’s author');
        assert.equal(asset.sha256, mediaIdOf(files[index]?.bytes ?? Buffer.alloc(0)).slice(7));
      }
      assert.equal((await createRequestsSince(stack, since)).length, 0);
      doomed.kill('SIGKILL');
      await waitForExit(doomed);

      const survivor = await spawn(null);
      const done = await reaches(stack, item.id, 'published', 90_000);
      const posts = await ledgerFor(stack, item.marker);
      assert.equal(posts.length, 1, 'exactly one post');
      assert.equal(done.publications[0]?.postUrn, posts[0]?.urn);
      assert.deepEqual(posts[0]?.content, c.content(rows.map((r) => r.assetUrn)));
      assert.equal(
        (await initRequestsSince(stack, since)).length,
        files.length,
        'the recorded uploads were reused, not repeated',
      );
      assert.equal((await createRequestsSince(stack, since)).length, 1);
      await endWorker(survivor, 'SIGTERM');
    });
  }

  it('when LinkedIn cannot process an image, then the item fails with a reason naming the image and nothing is posted', async () => {
    const worker = await stack.startWorker();
    await stack.standIn.setMediaScript({
      processingReads: 1,
      processingMs: 60_000,
      outcome: 'PROCESSING_FAILED',
    });
    try {
      const [image] = [await store(stack, png(5, 5))];
      const item = await submitWithMedia(
        stack,
        'media-failed',
        `Broken: ![A blurry photo](media:${image?.id})`,
      );
      const since = Date.now();
      await approve(stack, item.id);
      const done = await reaches(stack, item.id, 'failed', 60_000);
      assert.equal(done.lastError?.type, 'MEDIA_FAILED');
      assert.match(
        done.lastError?.message ?? '',
        /LinkedIn could not process image 1 \("A blurry photo"\) \(PROCESSING_FAILED\)/,
      );
      assert.equal((await ledgerFor(stack, item.marker)).length, 0);
      assert.equal((await createRequestsSince(stack, since)).length, 0, 'no create was sent');
      const pub = await stack.db.publication.findFirstOrThrow({ where: { contentId: item.id } });
      assert.equal(pub.state, 'failed');
    } finally {
      await stack.standIn.setMediaScript({});
      await worker.stop();
    }
  });

  it('when the token may not read media status, then the worker waits the grace durably and then publishes once', async () => {
    const graceMs = 3_000;
    const worker = await stack.startWorker({ mediaGraceMs: graceMs });
    await stack.standIn.setMediaReadsWithoutReadScope(false);
    await stack.standIn.setMediaScript({ processingReads: 1_000, processingMs: 500 });
    try {
      const image = await store(stack, png(7, 2));
      const item = await submitWithMedia(
        stack,
        'media-grace',
        `Wait for it ![A slow image](media:${image.id})`,
      );
      const since = Date.now();
      await approve(stack, item.id);
      await reaches(stack, item.id, 'published', 60_000);
      const posts = await ledgerFor(stack, item.marker);
      assert.equal(posts.length, 1);
      const pub = await stack.db.publication.findFirstOrThrow({ where: { contentId: item.id } });
      const [row] = await stack.db.publicationMedia.findMany({ where: { publicationId: pub.id } });
      assert.ok(row?.uploadedAt && row.availableAt);
      assert.ok(
        row.availableAt.getTime() - row.uploadedAt.getTime() >= graceMs,
        'the create waited out the grace after the upload',
      );
      const statusReads = (await stack.standIn.requests()).filter(
        (r) => r.method === 'GET' && r.path.startsWith('/rest/images/') && r.at >= since,
      );
      assert.ok(statusReads.length >= 1, 'the status was asked for (and refused)');
      assert.equal((await initRequestsSince(stack, since)).length, 1, 'one upload');
    } finally {
      await stack.standIn.setMediaReadsWithoutReadScope(true);
      await stack.standIn.setMediaScript({});
      await worker.stop();
    }
  });
});
