// Scale-out drill (issue 12): two worker processes and two API processes on one task queue serve
// a burst of approved items that all fall due at one instant, while one API process is SIGKILLed
// in the middle of the approvals and one worker in the middle of the burst. Every item must be
// published exactly once, every approval the API acknowledged must be in its workflow's history
// once, and the audit must verify.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { contentWorkflowId } from '../../contracts/ids';
import { createKeys, type Keys } from '../helpers/api';
import { spawnApi, type ApiProcess } from '../helpers/api-process';
import { post } from '../helpers/content';
import { eventually, startStack, uniqueId, type Stack } from '../helpers/stack';
import {
  assertInvariants,
  endWorker,
  sentinelSecrets,
  spawnDrillWorker,
  workerRunning,
  type WorkerChild,
} from './support/drill';

const ITEMS = Number(process.env.SCALE_OUT_ITEMS ?? 200);
/** Requests in flight at once: the dev server has one SQLite connection (RELIABILITY.md S4). */
const CONCURRENCY = 10;
const FAR = '2031-01-01T09:00:00Z';

interface Item {
  id: string;
  marker: string;
  contentHash: string;
  /** The request id of the approval, reused when it is retried on the other API. */
  approval: string;
  acknowledged: boolean;
}

async function inBatches<T>(list: T[], run: (t: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < list.length) await run(list[next++] as T);
    }),
  );
}

describe('scale-out drill', () => {
  let stack: Stack;
  let keys: Keys;
  const workers: WorkerChild[] = [];
  const apis: ApiProcess[] = [];

  before(async () => {
    stack = await startStack();
    keys = await createKeys(stack);
    workers.push(spawnDrillWorker(stack, null), spawnDrillWorker(stack, null));
    await Promise.all(workers.map(workerRunning));
    apis.push(...(await Promise.all([0, 1].map(() => spawnApi(stack.config, stack.taskQueue)))));
  });
  after(async () => {
    for (const api of apis) api.child.kill('SIGKILL');
    for (const w of workers) await endWorker(w);
    await stack.close();
  });

  const call = async (
    api: ApiProcess,
    method: string,
    url: string,
    key: string,
    body?: object,
    requestId?: string,
  ) => {
    const r = await fetch(`${api.url}${url}`, {
      method,
      headers: {
        authorization: `Bearer ${key}`,
        ...(body ? { 'content-type': 'application/json' } : {}),
        ...(requestId ? { 'x-request-id': requestId } : {}),
      },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    return { status: r.status, text: await r.text() };
  };

  const rowsIn = async (items: Item[], status: string) =>
    stack.db.content.count({ where: { contentId: { in: items.map((i) => i.id) }, status } });

  it(`when ${ITEMS} approved items fall due at one instant and a worker and an API die mid-way, then each is published once and no approval is lost`, async () => {
    const [first, second] = apis as [ApiProcess, ApiProcess];
    const items: Item[] = Array.from({ length: ITEMS }, () => ({
      id: uniqueId('burst'),
      marker: uniqueId('m'),
      contentHash: '',
      approval: randomUUID(),
      acknowledged: false,
    }));

    // Submitted through both APIs, with a far schedule for now.
    await inBatches(items, async (item) => {
      const api = items.indexOf(item) % 2 === 0 ? first : second;
      const r = await call(api, 'POST', '/v1/content', keys.integration, {
        id: item.id,
        markdown: post({ scheduled: FAR, body: `Scale out ${item.marker} #drill` }),
      });
      assert.equal(r.status, 202, r.text);
    });
    await eventually(
      async () => ((await rowsIn(items, 'awaiting_approval')) === ITEMS ? true : undefined),
      300_000,
      'every item awaiting approval',
    );
    for (const row of await stack.db.content.findMany({
      where: { contentId: { in: items.map((i) => i.id) } },
      select: { contentId: true, contentHash: true },
    })) {
      const item = items.find((i) => i.id === row.contentId) as Item;
      item.contentHash = row.contentHash;
    }

    // Approvals alternate between the APIs; the second is SIGKILLed halfway through.
    let sent = 0;
    const approve = (api: ApiProcess, item: Item) =>
      call(
        api,
        'POST',
        `/v1/content/${item.id}/approve?version=1`,
        keys.editor,
        { contentHash: item.contentHash },
        item.approval,
      ).catch((err: unknown) => ({ status: 0, text: String(err) }));
    await inBatches(items, async (item) => {
      if (++sent === Math.floor(ITEMS / 2)) second.child.kill('SIGKILL');
      const r = await approve(sent % 2 === 0 ? first : second, item);
      item.acknowledged = r.status === 200;
    });
    // What the dead API never answered is sent again, with the same request id, to the other:
    // Temporal runs an Update id once, so an approval that did land is not applied twice.
    const unanswered = items.filter((i) => !i.acknowledged);
    assert.ok(unanswered.length > 0, 'the kill cut some approvals off');
    await inBatches(unanswered, async (item) => {
      const r = await approve(first, item);
      assert.equal(r.status, 200, `${item.id}: ${r.text}`);
      item.acknowledged = true;
    });
    await eventually(
      async () => ((await rowsIn(items, 'scheduled')) === ITEMS ? true : undefined),
      300_000,
      'every item scheduled',
    );

    // All due at one instant, far enough ahead for every reschedule to land first.
    const started = Date.now();
    const probe = items.slice(0, 10);
    await inBatches(probe, async (item) => reschedule(item, new Date(Date.now() + 3_600_000)));
    const perItem = (Date.now() - started) / probe.length;
    const due = new Date(Date.now() + 10_000 + perItem * ITEMS * 2);
    await inBatches(items, async (item) => reschedule(item, due));

    // Mid-burst: one worker dies while the other keeps publishing.
    await eventually(
      async () => ((await stack.standIn.ledger()).length >= ITEMS / 5 ? true : undefined),
      due.getTime() - Date.now() + 300_000,
      'the burst to be under way',
    );
    await endWorker(workers[1]);
    await eventually(
      async () => ((await rowsIn(items, 'published')) === ITEMS ? true : undefined),
      600_000,
      'every item published',
    );

    // Exactly once each, never early.
    const ledger = await stack.standIn.ledger();
    for (const item of items) {
      const posts = ledger.filter((p) => p.commentary.includes(item.marker));
      assert.equal(posts.length, 1, `${item.id}: one post`);
    }
    // Every acknowledged approval is in its workflow's history, once (by workflow id).
    for (const item of items) {
      const history = await stack.temporal.workflow
        .getHandle(contentWorkflowId(item.id, 1))
        .fetchHistory();
      const approvals = (history.events ?? []).filter(
        (e) =>
          e.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.input?.name ===
          'approve',
      );
      assert.equal(approvals.length, 1, `${item.id}: approved once in history`);
    }
    const rows = await stack.db.approval.groupBy({
      by: ['contentId'],
      where: { contentId: { in: items.map((i) => i.id) } },
      _count: true,
    });
    assert.equal(rows.length, ITEMS);
    assert.ok(
      rows.every((r) => r._count === 1),
      'one approval row per item',
    );
    const early = await stack.db.publication.count({
      where: { contentId: { in: items.map((i) => i.id) }, confirmedAt: { lt: due } },
    });
    assert.equal(early, 0, 'nothing published before its time');
    await assertInvariants(
      stack,
      items.map((i) => ({ marker: i.marker, posts: 'one' as const })),
      {
        text: [...workers, ...apis].map((p) => p.output()).join('\n'),
        secrets: await sentinelSecrets(stack, keys),
      },
    );

    async function reschedule(item: Item, at: Date): Promise<void> {
      const r = await call(
        first,
        'POST',
        `/v1/content/${item.id}/reschedule?version=1`,
        keys.editor,
        {
          scheduled: at.toISOString(),
        },
      );
      assert.equal(r.status, 200, `${item.id}: ${r.text}`);
    }
  });
});
