import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { contentWorkflowId } from '../../contracts/ids';
import { statusQuery } from '../../workflows/content/definitions';
import { EDITOR, post, publishingDeps, submit, approveAsSeen } from '../helpers/content';
import { eventually, startStack, uniqueId, type Stack } from '../helpers/stack';

describe('several workers on one task queue', () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack();
    await stack.startWorker();
    await stack.startWorker();
  });
  after(() => stack.close());

  it('when two workers share the queue, then every item is published exactly once', async () => {
    const items = Array.from({ length: 12 }, () => ({
      id: uniqueId('pair'),
      marker: uniqueId('m'),
    }));
    for (const item of items)
      await submit(stack, item.id, post({ body: `Shared queue ${item.marker}` }));
    const status = (id: string) =>
      stack.temporal.workflow.getHandle(contentWorkflowId(id, 1)).query(statusQuery);
    for (const item of items) {
      await eventually(async () =>
        (await status(item.id)).status === 'awaiting_approval' ? true : undefined,
      );
    }
    await Promise.all(
      items.map((item) => approveAsSeen(publishingDeps(stack), EDITOR, { id: item.id })),
    );
    for (const item of items) {
      await eventually(
        async () => ((await status(item.id)).status === 'published' ? true : undefined),
        60_000,
      );
    }
    const ledger = await stack.standIn.ledger();
    for (const item of items) {
      assert.equal(ledger.filter((p) => p.commentary.includes(item.marker)).length, 1, item.id);
    }
  });
});
