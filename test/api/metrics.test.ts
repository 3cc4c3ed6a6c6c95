import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { buildMetricsServer, createApiMetrics } from '../../api/metrics';
import { bearer, buildTestApp, createKeys, type Keys } from '../helpers/api';
import { hashOf, post } from '../helpers/content';
import { eventually, startStack, uniqueId, type Stack } from '../helpers/stack';

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

    const response = await metricsServer.inject('/metrics');
    assert.equal(response.statusCode, 200);
    assert.match(response.headers['content-type'] as string, /text\/plain/);
    const text = response.body;
    assert.ok(metric(text, 'stargue_items{status="published"}') >= 1);
    assert.equal(metric(text, 'stargue_items_overdue'), 1);
    assert.ok(metric(text, 'stargue_publish_lateness_seconds{quantile="0.99"}') >= 0);
    assert.match(
      text,
      /stargue_http_request_duration_seconds_bucket\{[^}]*route="\/v1\/content\/:id"/,
    );
    assert.match(text, /# TYPE stargue_outlet_errors gauge/);
  });
});
