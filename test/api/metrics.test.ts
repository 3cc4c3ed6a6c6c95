import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { buildMetricsServer, createApiMetrics } from '../../api/metrics';
import { createDb } from '../../platform/db/client';
import { createLogger } from '../../platform/logger';
import { bearer, buildTestApp, createKeys, type Keys } from '../helpers/api';
import { hashOf, post } from '../helpers/content';
import {
  eventually,
  startStack,
  TEST_LINKEDIN_VERSION,
  uniqueId,
  type Stack,
} from '../helpers/stack';

describe('Prometheus /metrics on its own listener', () => {
  let stack: Stack;
  let app: FastifyInstance;
  let metricsServer: FastifyInstance;
  let keys: Keys;
  before(async () => {
    stack = await startStack();
    await stack.startWorker();
    const metrics = createApiMetrics(stack.db);
    app = await buildTestApp(stack, { metrics });
    metricsServer = await buildMetricsServer(metrics, stack.log);
    keys = await createKeys(stack);
  });
  after(async () => {
    await metricsServer.close();
    await app.close();
    await stack.close();
  });

  const metric = (text: string, name: string): number => {
    const line = text.split('\n').find((l) => l.startsWith(name + ' ') || l.startsWith(name + '{'));
    assert.ok(line, `${name} in metrics`);
    return Number(line.split(' ').at(-1));
  };

  it('when items exist and requests were served, then items by state, overdue, lateness, outlet errors and latencies are exported', async () => {
    const published = uniqueId('metrics');
    await app.inject({
      method: 'POST',
      url: '/v1/content',
      headers: bearer(keys.integration),
      payload: {
        id: published,
        markdown: post({ scheduled: new Date(Date.now() + 1000).toISOString() }),
      },
    });
    await eventually(async () => {
      const r = await app.inject({
        method: 'GET',
        url: `/v1/content/${published}`,
        headers: bearer(keys.editor),
      });
      return r.json().status === 'awaiting_approval' ? true : undefined;
    });
    await app.inject({
      method: 'POST',
      url: `/v1/content/${published}/approve`,
      headers: bearer(keys.editor),
      payload: { contentHash: await hashOf(stack, published) },
    });
    await eventually(async () => {
      const r = await app.inject({
        method: 'GET',
        url: `/v1/content/${published}`,
        headers: bearer(keys.editor),
      });
      return r.json().status === 'published' ? true : undefined;
    });
    // An approved item stuck past its time shows up as overdue.
    const overdue = uniqueId('overdue');
    await app.inject({
      method: 'POST',
      url: '/v1/content',
      headers: bearer(keys.integration),
      payload: { id: overdue, markdown: post({ status: 'draft' }) },
    });
    await eventually(async () =>
      (await stack.db.content.findFirst({ where: { contentId: overdue, status: 'draft' } }))
        ? true
        : undefined,
    );
    await stack.db.content.updateMany({
      where: { contentId: overdue },
      data: { status: 'scheduled', scheduledAt: new Date(Date.now() - 3_600_000) },
    });
    await stack.db.approval.create({
      data: {
        contentId: overdue,
        version: 1,
        decision: 'approved',
        actor: 'x',
        contentHash: 'a'.repeat(64),
        requestId: uniqueId('r'),
      },
    });

    // The published item's follow-up starts once no post went out for a moment.
    await eventually(async () => {
      const [row] = await stack.db.$queryRaw<{ n: number }[]>`
        SELECT count(*)::int AS "n" FROM "publications"
         WHERE "content_id" = ${published} AND "follow_up" IS NOT NULL`;
      return row?.n === 0 ? true : undefined;
    });
    // A follow-up Temporal refuses to start (no task queue) stays marked: pending, and aging.
    await stack.db.$executeRaw`
      INSERT INTO "publications" ("idempotency_key", "content_id", "version", "outlet", "state",
                                  "commentary_hash", "post_urn", "confirmed_at", "follow_up")
      VALUES (${`${overdue}:refused`}, ${overdue}, 1, 'linkedin', 'confirmed', ${'c'.repeat(64)},
              'urn:li:share:refused', now() - interval '30 minutes',
              ${JSON.stringify({ taskQueue: '', input: { workflowId: overdue } })}::jsonb)`;

    const response = await metricsServer.inject('/metrics');
    assert.equal(response.statusCode, 200);
    assert.match(response.headers['content-type'] as string, /text\/plain/);
    const text = response.body;
    assert.ok(metric(text, 'stargue_items{status="published"}') >= 1);
    assert.equal(metric(text, 'stargue_items_overdue'), 1);
    assert.equal(metric(text, 'stargue_follow_ups_pending{measure="count"}'), 1);
    assert.ok(metric(text, 'stargue_follow_ups_pending{measure="oldest_seconds"}') >= 1_800);
    assert.ok(metric(text, 'stargue_publish_lateness_seconds{quantile="0.99"}') >= 0);
    assert.match(
      text,
      /stargue_http_request_duration_seconds_bucket\{[^}]*route="\/v1\/content\/:id"/,
    );
    assert.match(text, /# TYPE stargue_outlet_errors gauge/);
  });
});

describe('/metrics when Postgres cannot answer', () => {
  it('when the database is unreachable, then the scrape still answers with the process metrics and counts each figure it could not read', async () => {
    // A real client pointed at a port nothing listens on: every read fails fast.
    const unreachable = createDb('postgresql://stargue:unused@127.0.0.1:1/none', {
      connectionTimeoutMillis: 500,
    });
    const metrics = createApiMetrics(unreachable, TEST_LINKEDIN_VERSION);
    const server = await buildMetricsServer(
      metrics,
      createLogger({ level: 'silent', name: 'test' }),
    );
    try {
      const first = await server.inject({ method: 'GET', url: '/metrics' });
      assert.equal(first.statusCode, 200);
      assert.match(first.body, /^stargue_api_process_cpu_user_seconds_total \d/m);
      assert.match(first.body, /^stargue_linkedin_version_days_left\{version="\d{6}"\} \d+$/m);
      const second = await server.inject({ method: 'GET', url: '/metrics' });
      for (const name of ['stargue_items', 'stargue_items_overdue', 'stargue_outlet_errors']) {
        assert.match(
          second.body,
          new RegExp(`^stargue_metrics_collect_failures_total\\{metric="${name}"\\} [1-9]`, 'm'),
        );
      }
    } finally {
      await server.close();
      await unreachable.$disconnect();
    }
  });
});
