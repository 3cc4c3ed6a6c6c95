// Reading an item while it publishes: the workflow's live state and the database rows are two
// reads, and the publish activity confirms the row (with the URN) before the workflow moves to
// `published`. These tests put the confirm exactly between the two reads.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Client } from '@temporalio/client';
import { contentWorkflowId } from '../../contracts/ids';
import { getContent } from '../../publishing/content';
import { statusQuery } from '../../workflows/content/definitions';
import { EDITOR, approveAsSeen, post, publishingDeps, submit } from '../helpers/content';
import { eventually, startStack, uniqueId, type Stack } from '../helpers/stack';

describe('getContent while the post is being confirmed', () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack();
    await stack.startWorker();
  });
  after(() => stack.close());

  it('when the publication is confirmed between the reads, then a reader who sees published also sees the post URN', async () => {
    const id = uniqueId('race');
    await stack.standIn.injectFault({
      type: 'hold',
      phase: 'before_create',
      method: 'POST',
      path: '/rest/posts',
    });
    await submit(stack, id, post());
    const handle = stack.temporal.workflow.getHandle(contentWorkflowId(id, 1));
    await eventually(
      async () =>
        (await handle.query(statusQuery)).status === 'awaiting_approval' ? true : undefined,
      60_000,
      'awaiting_approval',
    );
    await approveAsSeen(publishingDeps(stack), EDITOR, { id });
    const held = await stack.standIn.waitForHeldRequest(60_000);

    // The reader's status query first lets LinkedIn answer and waits until the workflow has
    // recorded the post: whatever getContent read before its query is now stale.
    let raced = false;
    const reader = new Client({
      connection: stack.temporal.connection,
      namespace: stack.config.TEMPORAL_NAMESPACE,
      interceptors: {
        workflow: [
          {
            async query(input, next) {
              if (!raced && input.queryType === statusQuery.name) {
                raced = true;
                assert.equal(await stack.standIn.release(held.id), 1);
                await eventually(
                  async () =>
                    (await handle.query(statusQuery)).status === 'published' ? true : undefined,
                  60_000,
                  'published',
                );
              }
              return next(input);
            },
          },
        ],
      },
    });

    const view = await getContent({ ...publishingDeps(stack), temporal: reader }, id);
    assert.ok(raced, 'the status query ran while the post was held');
    assert.equal(view.status, 'published');
    assert.equal(view.publications[0]?.state, 'confirmed');
    assert.match(view.publications[0]?.postUrn ?? '', /^urn:li:share:/);
    assert.equal((await stack.standIn.ledger()).length, 1);
  });

  it('when the workflow cannot be queried, then the view comes from the rows and says it is not live', async () => {
    const id = uniqueId('rows');
    await submit(stack, id, post({ status: 'draft' }));
    const silent = new Client({
      connection: stack.temporal.connection,
      namespace: stack.config.TEMPORAL_NAMESPACE,
      interceptors: {
        workflow: [
          {
            query() {
              return Promise.reject(new Error('no worker answered'));
            },
          },
        ],
      },
    });
    const view = await getContent({ ...publishingDeps(stack), temporal: silent }, id);
    assert.equal(view.live, false);
    assert.equal(view.id, id);
    assert.deepEqual(view.versions, [1]);
    assert.deepEqual(view.publications, []);
  });
});
