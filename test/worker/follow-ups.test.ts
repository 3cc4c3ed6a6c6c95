// worker/follow-ups.ts: the engagement follow-ups that confirmations mark are started by the
// worker once posts stop going out (or after a bounded wait), once each, by one worker of several,
// and a mark whose start fails stays for the next round.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { engagementWorkflowId } from '../../contracts/ids';
import type { FollowUpMark } from '../../contracts/workflow';
import type { Prisma } from '../../platform/db/client';
import { startFollowUps, type FollowUpStarter } from '../../worker/follow-ups';
import { eventually, startStack, uniqueId, type Stack } from '../helpers/stack';

const NEVER = 3_600_000;

describe('engagement follow-ups marked on confirmed publications', () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack({ connectAccount: false });
  });
  after(() => stack.close());

  /** One confirmed publication per mark, as the publish activity leaves them. */
  async function confirmedWithMarks(count: number, taskQueue = stack.taskQueue) {
    const contentId = uniqueId('follow');
    const workflowId = `content:${contentId}:v1`;
    await stack.db.content.create({
      data: {
        contentId,
        version: 1,
        workflowId,
        sourceHash: 'a'.repeat(64),
        markdown: 'Hello',
        status: 'published',
        language: 'en-GB',
        outlets: ['linkedin'],
        sanitize: true,
        contentHash: 'b'.repeat(64),
        rendered: { linkedin: { text: 'Hello', length: 5 } },
        title: 'Hello',
        submittedBy: 'integration:test',
      },
    });
    const marks: FollowUpMark[] = [];
    for (let i = 0; i < count; i++) {
      const target = `linkedin:channel-${i}`;
      const mark: FollowUpMark = {
        taskQueue,
        input: {
          contentId,
          version: 1,
          workflowId,
          outlet: 'linkedin',
          target,
          publishedAt: new Date().toISOString(),
        },
      };
      await stack.db.publication.create({
        data: {
          idempotencyKey: `${workflowId}:${target}`,
          contentId,
          version: 1,
          outlet: 'linkedin',
          state: 'confirmed',
          commentaryHash: 'c'.repeat(64),
          postUrn: `urn:li:share:${i}`,
          confirmedAt: new Date(),
          followUp: mark as unknown as Prisma.InputJsonObject,
        },
      });
      marks.push(mark);
    }
    return { workflowId, targets: marks.map((m) => m.input.target!) };
  }

  async function pendingFor(workflowId: string): Promise<number> {
    const [row] = await stack.db.$queryRaw<{ n: number }[]>`
      SELECT count(*)::int AS "n" FROM "publications"
       WHERE "idempotency_key" LIKE ${`${workflowId}:%`} AND "follow_up" IS NOT NULL`;
    return row?.n ?? 0;
  }

  /** The follow-up's workflow, or undefined while it does not exist. */
  const described = (workflowId: string, target: string) =>
    stack.temporal.workflow
      .getHandle(engagementWorkflowId(workflowId, target))
      .describe()
      .catch(() => undefined);

  async function cancelAll(workflowId: string, targets: string[]) {
    for (const target of targets) {
      await stack.temporal.workflow
        .getHandle(engagementWorkflowId(workflowId, target))
        .cancel()
        .catch(() => undefined);
    }
  }

  function starter(timing: { quietMs: number; maxDeferMs: number }): FollowUpStarter {
    return startFollowUps({
      db: stack.appDb,
      client: stack.temporal,
      log: stack.log,
      timing: { ...timing, pollMs: NEVER },
    });
  }

  it('when marks are drained, then each starts its follow-up once and its mark clears', async () => {
    const followUps = starter({ quietMs: NEVER, maxDeferMs: NEVER });
    try {
      // Follows the starter's own first round, which found nothing to start.
      assert.equal(await followUps.drain(), 0);
      const { workflowId, targets } = await confirmedWithMarks(3);
      assert.equal(await followUps.drain(), 3);
      assert.equal(await pendingFor(workflowId), 0);
      for (const target of targets) {
        const description = await described(workflowId, target);
        assert.equal(description?.type, 'engagementWorkflow');
        assert.equal(description?.status.name, 'RUNNING');
      }
      assert.equal(await followUps.drain(), 0, 'nothing left to start');
      await cancelAll(workflowId, targets);
    } finally {
      await followUps.stop();
    }
  });

  it('when posts are being confirmed, then marks start only once none was for the quiet period', async () => {
    const quietMs = 400;
    const followUps = starter({ quietMs, maxDeferMs: NEVER });
    try {
      await followUps.drain();
      const { workflowId, targets } = await confirmedWithMarks(2);
      let lastPending = 0;
      const confirm = () => {
        followUps.pending();
        lastPending = Date.now();
      };
      confirm();
      const busy = setInterval(confirm, 50);
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      clearInterval(busy);
      await eventually(
        async () => ((await pendingFor(workflowId)) === 0 ? true : undefined),
        60_000,
        'the follow-ups to start once quiet',
      );
      for (const target of targets) {
        const description = await described(workflowId, target);
        assert.ok(description, target);
        // Started no earlier than the quiet period after the last confirmation.
        assert.ok(
          description.startTime.getTime() >= lastPending + quietMs,
          `started ${description.startTime.toISOString()}, last confirmation ${new Date(lastPending).toISOString()}`,
        );
      }
      await cancelAll(workflowId, targets);
    } finally {
      await followUps.stop();
    }
  });

  it('when posts never stop going out, then a backlog of several batches starts after the longest deferral', async () => {
    const followUps = starter({ quietMs: NEVER, maxDeferMs: 300 });
    try {
      await followUps.drain();
      const { workflowId, targets } = await confirmedWithMarks(120);
      followUps.pending();
      const busy = setInterval(() => followUps.pending(), 50);
      try {
        await eventually(
          async () => ((await pendingFor(workflowId)) === 0 ? true : undefined),
          60_000,
          'the deferred follow-ups to start',
        );
      } finally {
        clearInterval(busy);
      }
      for (const target of [targets[0]!, targets.at(-1)!]) {
        assert.ok(await described(workflowId, target), target);
      }
      await cancelAll(workflowId, targets);
    } finally {
      await followUps.stop();
    }
  });

  it('when a worker starts, then marks left by a worker that died are started without being told', async () => {
    const { workflowId, targets } = await confirmedWithMarks(2);
    const followUps = starter({ quietMs: NEVER, maxDeferMs: NEVER });
    try {
      await eventually(
        async () => ((await pendingFor(workflowId)) === 0 ? true : undefined),
        60_000,
        'the left-over follow-ups to start',
      );
      for (const target of targets) assert.ok(await described(workflowId, target), target);
      await cancelAll(workflowId, targets);
    } finally {
      await followUps.stop();
    }
  });

  it('when two workers drain at once, then each follow-up is started by one of them', async () => {
    const one = starter({ quietMs: NEVER, maxDeferMs: NEVER });
    const two = starter({ quietMs: NEVER, maxDeferMs: NEVER });
    try {
      await Promise.all([one.drain(), two.drain()]);
      const { workflowId, targets } = await confirmedWithMarks(120);
      const [a, b] = await Promise.all([one.drain(), two.drain()]);
      assert.equal(a + b, 120, `started ${a} + ${b}`);
      assert.equal(await pendingFor(workflowId), 0);
      await cancelAll(workflowId, targets);
    } finally {
      await Promise.all([one.stop(), two.stop()]);
    }
  });

  it('when a start is refused, then the others clear and that mark stays for the next round', async () => {
    const followUps = starter({ quietMs: NEVER, maxDeferMs: NEVER });
    try {
      await followUps.drain();
      const good = await confirmedWithMarks(2);
      // Temporal refuses a start without a task queue.
      const bad = await confirmedWithMarks(1, '');
      assert.equal(await followUps.drain(), 2);
      assert.equal(await pendingFor(good.workflowId), 0);
      assert.equal(await pendingFor(bad.workflowId), 1);
      assert.equal(await described(bad.workflowId, bad.targets[0]!), undefined);
      await cancelAll(good.workflowId, good.targets);
      await stack.db.$executeRaw`
        UPDATE "publications" SET "follow_up" = NULL
         WHERE "idempotency_key" LIKE ${`${bad.workflowId}:%`}`;
    } finally {
      await followUps.stop();
    }
  });
});
