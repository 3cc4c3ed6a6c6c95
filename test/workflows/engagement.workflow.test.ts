import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { contentWorkflowId } from '../../contracts/ids';
import { engagementWorkflow } from '../../workflows/engagement.workflow';
import { statusQuery } from '../../workflows/content/definitions';
import { engagementFor } from '../standin/linkedin/social-actions';
import { EDITOR, post, publishingDeps, submit, approveAsSeen } from '../helpers/content';
import { eventually, startStack, uniqueId, type Stack } from '../helpers/stack';

async function publishOne(
  stack: Stack,
): Promise<{ id: string; workflowId: string; publishedAt: string; urn: string; target: string }> {
  const id = uniqueId('engage');
  await submit(stack, id, post());
  const handle = stack.temporal.workflow.getHandle(contentWorkflowId(id, 1));
  await eventually(async () =>
    (await handle.query(statusQuery)).status === 'awaiting_approval' ? true : undefined,
  );
  await approveAsSeen(publishingDeps(stack), EDITOR, { id });
  const done = await eventually(async () => {
    const s = await handle.query(statusQuery);
    return s.status === 'published' ? s : undefined;
  });
  const publication = done.publications[0];
  assert.ok(publication);
  return {
    id,
    workflowId: handle.workflowId,
    publishedAt: publication.publishedAt,
    urn: publication.postUrn,
    /** The channel it went to (`linkedin:<name>`): publications and follow-ups are per channel. */
    target: done.channels[0]?.key ?? 'linkedin',
  };
}

const SHORT = [
  { name: 'first', afterMs: 300 },
  { name: 'second', afterMs: 1_200 },
];

describe('engagement follow-up', () => {
  describe('with a read scope', () => {
    let stack: Stack;
    before(async () => {
      stack = await startStack({
        scopes: ['openid', 'profile', 'w_member_social', 'r_member_social'],
      });
      await stack.startWorker();
    });
    after(() => stack.close());

    it('when an item is published, then a follow-up is started for its post', async () => {
      const item = await publishOne(stack);
      const child = stack.temporal.workflow.getHandle(
        `${item.workflowId}:engagement:${item.target}`,
      );
      const description = await eventually(async () => child.describe().catch(() => undefined));
      assert.equal(description.type, 'engagementWorkflow');
      assert.equal(description.status.name, 'RUNNING');
      await child.cancel();
    });

    it('when the checkpoints pass, then the statistics LinkedIn reports are stored for each', async () => {
      const item = await publishOne(stack);
      const handle = await stack.temporal.workflow.start(engagementWorkflow, {
        workflowId: uniqueId('engagement-run'),
        taskQueue: stack.taskQueue,
        args: [
          {
            contentId: item.id,
            version: 1,
            workflowId: item.workflowId,
            outlet: 'linkedin',
            target: item.target,
            publishedAt: item.publishedAt,
            checkpoints: SHORT,
          },
        ],
      });
      assert.deepEqual(await handle.result(), ['collected', 'collected']);
      const publication = await stack.db.publication.findFirstOrThrow({
        where: { contentId: item.id },
      });
      const metrics = await stack.db.metric.findMany({
        where: { publicationId: publication.id },
        orderBy: { checkpoint: 'asc' },
      });
      assert.deepEqual(
        metrics.map((m) => m.checkpoint),
        ['first', 'second'],
      );
      for (const m of metrics) {
        assert.equal(m.status, 'collected');
        assert.equal(m.comments, engagementFor(item.urn, 0).comments);
        assert.ok((m.reactions ?? -1) >= engagementFor(item.urn, 0).likes);
      }
    });
  });

  describe('without a read scope', () => {
    let stack: Stack;
    before(async () => {
      stack = await startStack();
      await stack.startWorker();
    });
    after(() => stack.close());

    it('when LinkedIn refuses statistics, then that is recorded once and the follow-up stops', async () => {
      const item = await publishOne(stack);
      const handle = await stack.temporal.workflow.start(engagementWorkflow, {
        workflowId: uniqueId('engagement-run'),
        taskQueue: stack.taskQueue,
        args: [
          {
            contentId: item.id,
            version: 1,
            workflowId: item.workflowId,
            outlet: 'linkedin',
            target: item.target,
            publishedAt: item.publishedAt,
            checkpoints: SHORT,
          },
        ],
      });
      assert.deepEqual(await handle.result(), ['refused']);
      const publication = await stack.db.publication.findFirstOrThrow({
        where: { contentId: item.id },
      });
      const metrics = await stack.db.metric.findMany({ where: { publicationId: publication.id } });
      assert.equal(metrics.length, 1);
      assert.equal(metrics[0]?.status, 'refused');
      assert.match(metrics[0]?.detail ?? '', /read scope/);
    });
  });
});
