import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { contentWorkflowId } from '../../contracts/ids';
import { statusQuery } from '../../workflows/content/definitions';
import { EDITOR, post, publishingDeps, submit, approveAsSeen } from '../helpers/content';
import { eventually, startStack, uniqueId, type Stack } from '../helpers/stack';
import { spawnWorker, waitForExit } from '../helpers/worker-process';

describe('worker killed while LinkedIn holds the publish request', () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack();
  });
  after(() => stack.close());

  it('when the worker is SIGKILLed mid-call and LinkedIn then creates the post, then a restarted worker adopts it: one post', async () => {
    const id = uniqueId('crash');
    const marker = uniqueId('m');
    let worker = spawnWorker(stack);
    await eventually(
      async () => (worker.output().includes('worker running') ? true : undefined),
      30_000,
      `worker start: ${worker.output()}`,
    );

    await stack.standIn.injectFault({
      type: 'hold',
      phase: 'before_create',
      method: 'POST',
      path: '/rest/posts',
    });
    await submit(stack, id, post({ body: `Crash drill ${marker}` }));
    const handle = stack.temporal.workflow.getHandle(contentWorkflowId(id, 1));
    await eventually(async () =>
      (await handle.query(statusQuery)).status === 'awaiting_approval' ? true : undefined,
    );
    await approveAsSeen(publishingDeps(stack), EDITOR, { id });

    const held = await stack.standIn.waitForHeldRequest(30_000);
    const row = await stack.db.publication.findFirstOrThrow({ where: { contentId: id } });
    assert.equal(row.state, 'sending', 'sending is committed before the request leaves');
    worker.kill('SIGKILL');
    await waitForExit(worker);
    assert.equal(await stack.standIn.release(held.id), 1);
    await eventually(async () =>
      (await stack.standIn.ledger()).some((p) => p.commentary.includes(marker)) ? true : undefined,
    );

    worker = spawnWorker(stack);
    try {
      const done = await eventually(
        async () => {
          const s = await handle.query(statusQuery);
          return s.status === 'published' ? s : undefined;
        },
        90_000,
        'published after restart',
      );
      const posts = (await stack.standIn.ledger()).filter((p) => p.commentary.includes(marker));
      assert.equal(posts.length, 1, 'exactly one post');
      assert.equal(done.publications[0]?.postUrn, posts[0]?.urn);
      const confirmed = await stack.db.publication.findFirstOrThrow({ where: { contentId: id } });
      assert.equal(confirmed.state, 'confirmed');
      assert.equal(confirmed.postUrn, posts[0]?.urn);
      assert.equal(confirmed.resolution, 'adopted_duplicate');
    } finally {
      worker.kill('SIGTERM');
      await waitForExit(worker);
    }
  });
});
