// RELIABILITY.md W5, scaled down: every worker process is SIGKILLed while 30 items sleep or await
// approval; a few seconds later fresh workers start. Every item resumes, timers that fell due
// during the outage fire once workers are back, and each item is published exactly once.
import assert from 'node:assert/strict';
import { setTimeout as delay } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { contentWorkflowId } from '../../contracts/ids';
import { rescheduleContent } from '../../publishing/decisions';
import { AppError } from '../../publishing/errors';
import { statusQuery } from '../../workflows/content/definitions';
import { EDITOR, inSeconds, post, publishingDeps, submit, approveAsSeen } from '../helpers/content';
import { eventually, startStack, uniqueId, type Stack } from '../helpers/stack';
import { waitForExit } from '../helpers/worker-process';
import {
  assertInvariants,
  endWorker,
  sentinelSecrets,
  spawnDrillWorker,
  workerRunning,
  type WorkerChild,
} from './support/drill';

interface Item {
  id: string;
  marker: string;
  group: 'due_in_outage' | 'due_after' | 'awaiting';
  dueAt?: number;
}

describe('all workers killed while 30 items sleep or await approval (W5-lite)', () => {
  let stack: Stack;
  const children: WorkerChild[] = [];

  before(async () => {
    stack = await startStack();
  });
  after(async () => {
    for (const child of children) await endWorker(child);
    await stack.close();
  });

  const workers = async (n: number) => {
    const started = Array.from({ length: n }, () => spawnDrillWorker(stack, null));
    children.push(...started);
    await Promise.all(started.map(workerRunning));
    return started;
  };

  it('when every worker is SIGKILLed and fresh ones start seconds later, then all items resume and each due timer fires: one post per item', async (t) => {
    const secrets = await sentinelSecrets(stack);
    const first = await workers(2);
    const items: Item[] = Array.from({ length: 30 }, (_, i) => ({
      id: uniqueId('w5'),
      marker: uniqueId('m'),
      group: i < 10 ? 'due_in_outage' : i < 20 ? 'due_after' : 'awaiting',
    }));
    for (let i = 0; i < items.length; i += 10) {
      await Promise.all(
        items.slice(i, i + 10).map((item) =>
          submit(
            stack,
            item.id,
            post({
              // Sleeping items are moved to their due times below; the rest post on approval.
              ...(item.group === 'awaiting' ? {} : { scheduled: inSeconds(3600) }),
              body: `Outage drill ${item.marker} #w5`,
            }),
          ),
        ),
      );
    }
    await eventually(
      async () => {
        const waiting = await stack.db.content.count({
          where: { contentId: { in: items.map((i) => i.id) }, status: 'awaiting_approval' },
        });
        return waiting === items.length ? true : undefined;
      },
      60_000,
      'all items awaiting approval',
    );
    const deps = publishingDeps(stack);
    const sleeping = items.filter((i) => i.group !== 'awaiting');
    await Promise.all(sleeping.map((item) => approveAsSeen(deps, EDITOR, { id: item.id })));
    // Due times relative to the kill: in the outage, or a while after workers return.
    const killAt = Date.now() + 1_000;
    await Promise.all(
      sleeping.map((item, i) => {
        item.dueAt = killAt + (item.group === 'due_in_outage' ? 3_000 + i * 200 : 25_000 + i * 200);
        return rescheduleContent(
          deps,
          EDITOR,
          { id: item.id },
          {
            scheduled: new Date(item.dueAt).toISOString(),
          },
        );
      }),
    );
    await delay(Math.max(0, killAt - Date.now()));
    for (const child of first) child.kill('SIGKILL');
    await Promise.all(first.map(waitForExit));
    const killedAt = Date.now();
    assert.equal((await stack.standIn.ledger()).length, 0, 'nothing published before the kill');

    await delay(6_000);
    await workers(2);
    const readyAt = Date.now();
    t.diagnostic(`workers down ${readyAt - killedAt} ms (incl. start-up)`);

    // The awaiting items are approved after the restart; their workflows sat on the dead workers'
    // sticky queues, so the first Update may wait out the sticky timeout: retried like a client.
    let unavailable = 0;
    const approvalMs: number[] = [];
    await Promise.all(
      items
        .filter((i) => i.group === 'awaiting')
        .map(async (item) => {
          const began = Date.now();
          for (;;) {
            try {
              await approveAsSeen(deps, EDITOR, { id: item.id });
              break;
            } catch (err) {
              if (!(err instanceof AppError) || err.status !== 503) throw err;
              unavailable++;
              const state = await stack.temporal.workflow
                .getHandle(contentWorkflowId(item.id, 1))
                .query(statusQuery);
              if (state.approvals.length > 0) break;
            }
          }
          approvalMs.push(Date.now() - began);
        }),
    );
    t.diagnostic(`approvals after restart: max ${Math.max(...approvalMs)} ms, 503s ${unavailable}`);

    const published = await eventually(
      async () => {
        const rows = await stack.db.content.findMany({
          where: { contentId: { in: items.map((i) => i.id) } },
        });
        return rows.every((r) => r.status === 'published') ? rows : undefined;
      },
      90_000,
      'every item published',
    ).catch(async (err: unknown) => {
      const states = await Promise.all(
        items.map(async (item) => {
          const s = await stack.temporal.workflow
            .getHandle(contentWorkflowId(item.id, 1))
            .query(statusQuery)
            .catch((e: unknown) => ({ status: String(e), halt: null, lastError: null }));
          return `${item.group} ${item.id}: ${s.status} ${JSON.stringify(s.halt ?? s.lastError)}`;
        }),
      );
      throw new Error(
        `${String(err)}\n${states.filter((l) => !l.includes(': published')).join('\n')}`,
      );
    });
    assert.equal(published.length, items.length);
    const ledger = await stack.standIn.ledger();
    const late: number[] = [];
    for (const item of items) {
      const posts = ledger.filter((p) => p.commentary.includes(item.marker));
      assert.equal(posts.length, 1, `one post for ${item.id}`);
      const at = posts[0]?.createdAt ?? 0;
      if (item.dueAt !== undefined) {
        assert.ok(at >= item.dueAt, `${item.id} never early`);
        late.push(at - Math.max(item.dueAt, readyAt));
      }
      const state = await stack.temporal.workflow
        .getHandle(contentWorkflowId(item.id, 1))
        .query(statusQuery);
      assert.equal(state.status, 'published');
      assert.equal(state.approvals.length, 1, `${item.id} approved once`);
    }
    t.diagnostic(`lateness after workers were back: max ${Math.max(...late)} ms`);
    // Timers that fell due in the outage fire soon after workers return (sticky fallback ~10 s).
    assert.ok(Math.max(...late) < 30_000, `late by ${Math.max(...late)} ms`);
    await assertInvariants(
      stack,
      items.map((i) => ({ marker: i.marker, posts: 'one' as const })),
      { text: children.map((c) => c.output()).join('\n'), secrets },
    );
  });
});
