// RELIABILITY.md P1: Postgres cut for ~10 s under load. The worker and the API reach Postgres
// through a TCP proxy that drops every connection and refuses new ones; the shared cluster is
// never stopped. Meanwhile the API answers 503 DB_UNAVAILABLE without hanging; activities retry
// and resume; no audit entry is written twice; one post per item.
import assert from 'node:assert/strict';
import { setTimeout as delay } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../api/app';
import { createLinkedInOutlet } from '../../outlets/linkedin/outlet';
import { vaultFrom } from '../../platform/crypto/keyring';
import { createDb, type Db } from '../../platform/db/client';
import { bearer, createKeys, type Keys } from '../helpers/api';
import { post, hashOf } from '../helpers/content';
import { eventually, startStack, uniqueId, type Stack } from '../helpers/stack';
import { startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy';
import { captureLogs, reaches } from '../outlets/linkedin/pipeline';
import { assertInvariants, sentinelSecrets } from './support/drill';

const CUT_MS = 10_000;

describe('Postgres unreachable for ~10 s under load (P1)', () => {
  const logs = captureLogs('stargue', 'debug');
  let stack: Stack;
  let proxy: TcpProxy;
  let db: Db;
  let app: FastifyInstance;
  let keys: Keys;

  before(async () => {
    stack = await startStack();
    keys = await createKeys(stack);
    const url = new URL(stack.config.DATABASE_URL);
    proxy = await startTcpProxy({ host: url.hostname, port: Number(url.port || 5432) });
    url.port = String(proxy.port);
    db = createDb(url.toString(), { max: 5, connectionTimeoutMillis: 1_500 });
    const outlet = createLinkedInOutlet({
      db,
      vault: vaultFrom(stack.config),
      client: stack.linkedin,
      log: logs.log,
      linkedinVersion: stack.config.LINKEDIN_VERSION,
    });
    await stack.startWorker({ db, outlets: { linkedin: outlet } });
    app = await buildApp({
      log: logs.log,
      publishing: {
        db,
        temporal: stack.temporal,
        taskQueue: stack.taskQueue,
        log: logs.log,
        workflowCallTimeoutMs: 10_000,
        signer: stack.signer,
      },
      linkedin: stack.linkedin,
      vault: vaultFrom(stack.config),
      readiness: [{ name: 'postgres', check: async () => void (await db.$queryRaw`SELECT 1`) }],
    });
    await app.ready();
  });
  after(async () => {
    await app.close();
    await stack.close();
    await db.$disconnect();
    await proxy.close();
  });

  const api = (method: 'GET' | 'POST' | 'PUT', url: string, key: string, payload?: object) =>
    app.inject({ method, url, headers: bearer(key), ...(payload ? { payload } : {}) });

  it('when Postgres is cut for 10 s while items fall due, then the API answers 503 DB_UNAVAILABLE, activities resume, and each item is published once with no duplicate audit row', async (t) => {
    const secrets = await sentinelSecrets(stack, keys);
    const items = Array.from({ length: 12 }, (_, i) => ({
      id: uniqueId('p1'),
      marker: uniqueId('m'),
      // 0–3 publish on approval right before the cut, 4–7 fall due during it, 8–11 after it.
      offsetMs: i < 4 ? null : i < 8 ? 2_000 + (i - 4) * 1_500 : CUT_MS + 3_000 + (i - 8) * 1_000,
    }));
    for (const item of items) {
      const r = await api('POST', '/v1/content', keys.integration, {
        id: item.id,
        markdown: post({
          scheduled: new Date(Date.now() + 3_600_000).toISOString(),
          body: `Postgres outage ${item.marker} #p1`,
        }),
      });
      assert.equal(r.statusCode, 202, r.body);
    }
    await Promise.all(items.map((item) => reaches(stack, item.id, 'awaiting_approval')));
    // What each editor saw in the preview, read before the cut.
    const hashes = new Map(
      await Promise.all(items.map(async (i) => [i.id, await hashOf(stack, i.id)] as const)),
    );
    const cutAt = Date.now() + 3_000;
    await Promise.all(
      items.map(async (item) => {
        const scheduled = new Date(item.offsetMs === null ? 0 : cutAt + item.offsetMs);
        const moved = await api('POST', `/v1/content/${item.id}/reschedule`, keys.editor, {
          scheduled: scheduled.toISOString(),
        });
        assert.equal(moved.statusCode, 200, moved.body);
      }),
    );
    await Promise.all(
      items
        .filter((i) => i.offsetMs !== null)
        .map(async (item) => {
          const r = await api('POST', `/v1/content/${item.id}/approve?version=1`, keys.editor, {
            contentHash: hashes.get(item.id),
          });
          assert.equal(r.statusCode, 200, r.body);
        }),
    );
    await delay(Math.max(0, cutAt - 300 - Date.now()));
    // The last ones are approved as the cut begins: their publish meets the outage.
    await Promise.all(
      items
        .filter((i) => i.offsetMs === null)
        .map((item) =>
          api('POST', `/v1/content/${item.id}/approve?version=1`, keys.editor, {
            contentHash: hashes.get(item.id),
          }),
        ),
    );
    await proxy.cut();
    const cutStarted = Date.now();

    const answers: { status: number; error: string; ms: number }[] = [];
    while (Date.now() - cutStarted < CUT_MS) {
      for (const [method, url, key, payload] of [
        ['GET', '/v1/content', keys.editor],
        ['GET', `/v1/content/${items[9]?.id}`, keys.editor],
        [
          'POST',
          `/v1/content/${items[9]?.id}/approve`,
          keys.editor,
          { contentHash: 'f'.repeat(64) },
        ],
        ['POST', '/v1/content', keys.integration, { id: uniqueId('p1'), markdown: post() }],
        ['PUT', '/v1/kill-switch', keys.operator, { engaged: true, reason: 'drill' }],
        ['GET', '/v1/audit?subject=kill-switch', keys.operator],
      ] as const) {
        const began = Date.now();
        const r = await api(method, url, key, payload);
        answers.push({
          status: r.statusCode,
          error: r.json<{ error: string }>().error,
          ms: Date.now() - began,
        });
        if (r.statusCode === 503) assert.equal(r.headers['retry-after'], '5');
      }
      await delay(500);
    }
    await proxy.restore();
    t.diagnostic(
      `${answers.length} requests during the cut; slowest ${Math.max(...answers.map((a) => a.ms))} ms`,
    );
    assert.deepEqual(
      [...new Set(answers.map((a) => `${a.status} ${a.error}`))],
      ['503 DB_UNAVAILABLE'],
    );
    assert.ok(Math.max(...answers.map((a) => a.ms)) < 5_000, 'no request hung');
    const ready = await app.inject('/readyz');
    t.diagnostic(`readyz right after restore: ${ready.statusCode}`);

    for (const item of items) await reaches(stack, item.id, 'published', 90_000);
    // The kill switch was never engaged: every PUT during the cut was refused.
    assert.equal((await api('GET', '/v1/kill-switch', keys.operator)).json().engaged, false);
    await eventually(
      async () =>
        (await stack.db.content.count({
          where: { contentId: { in: items.map((i) => i.id) }, status: 'published' },
        })) === items.length
          ? true
          : undefined,
      30_000,
      'every content row mirrors published',
    );

    const pubs = await stack.db.publication.findMany({
      where: { contentId: { in: items.map((i) => i.id) } },
    });
    assert.equal(pubs.length, items.length);
    for (const pub of pubs) assert.equal(pub.state, 'confirmed');
    t.diagnostic(`resolutions: ${pubs.map((p) => p.resolution).join(',')}`);
    // No transition recorded twice: retried activities hit their dedupe keys.
    const rows = await stack.db.audit.findMany({
      where: { subject: { in: items.map((i) => i.id) }, action: 'content.transition' },
      orderBy: { id: 'asc' },
    });
    for (const item of items) {
      const mine = rows.filter((r) => r.subject === item.id);
      const steps = mine.map((r) => `${r.fromStatus}->${r.toStatus}`);
      assert.equal(new Set(steps).size, steps.length, `${item.id}: ${steps.join(' ')}`);
      assert.equal(steps.filter((s) => s.endsWith('->published')).length, 1);
      const keysSeen = mine.map((r) => r.dedupeKey);
      assert.equal(new Set(keysSeen).size, keysSeen.length);
    }
    const approvals = await stack.db.approval.groupBy({
      by: ['contentId'],
      where: { contentId: { in: items.map((i) => i.id) } },
      _count: true,
    });
    assert.ok(
      approvals.every((a) => a._count === 1),
      'one approval row per item',
    );
    await assertInvariants(
      stack,
      items.map((i) => ({ marker: i.marker, posts: 'one' as const })),
      { text: logs.text(), secrets },
    );
  });
});
