import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { bearer, buildTestApp, createKeys, type Keys } from '../helpers/api';
import { post } from '../helpers/content';
import { eventually, startStack, uniqueId, type Stack } from '../helpers/stack';

describe('REST API over app.inject, real Temporal and Postgres', () => {
  let stack: Stack;
  let app: FastifyInstance;
  let keys: Keys;

  before(async () => {
    stack = await startStack();
    await stack.startWorker();
    app = await buildTestApp(stack);
    keys = await createKeys(stack);
  });
  after(async () => {
    await app.inject({
      method: 'PUT',
      url: '/v1/kill-switch',
      headers: bearer(keys.operator),
      payload: { engaged: false },
    });
    await app.close();
    await stack.close();
  });

  const submit = (id: string, markdown: string, key = keys.integration) =>
    app.inject({
      method: 'POST',
      url: '/v1/content',
      headers: bearer(key),
      payload: { id, markdown },
    });
  const get = (url: string, key = keys.editor) =>
    app.inject({ method: 'GET', url, headers: bearer(key) });
  const act = (id: string, action: string, payload: object = {}, key = keys.editor) =>
    app.inject({
      method: 'POST',
      url: `/v1/content/${id}/${action}`,
      headers: bearer(key),
      payload,
    });
  const statusOf = async (id: string) => (await get(`/v1/content/${id}`)).json().status as string;
  const reaches = (id: string, wanted: string) =>
    eventually(
      async () => ((await statusOf(id)) === wanted ? true : undefined),
      60_000,
      `${id} ${wanted}`,
    );

  it('when content is submitted, then 202 with the workflow; again the same → 200; other body → 409', async () => {
    const id = uniqueId('api');
    const markdown = post();
    const first = await submit(id, markdown);
    assert.equal(first.statusCode, 202, first.body);
    const body = first.json();
    assert.deepEqual(Object.keys(body).sort(), [
      'id',
      'status',
      'version',
      'warnings',
      'workflowId',
    ]);
    assert.deepEqual(body.warnings, []);
    assert.equal(body.workflowId, `content:${id}:v1`);
    const again = await submit(id, markdown);
    assert.equal(again.statusCode, 200);
    assert.equal(again.json().workflowId, body.workflowId);
    const other = await submit(id, post({ body: 'Different words.' }));
    assert.equal(other.statusCode, 409);
    assert.equal(other.json().error, 'VERSION_CONFLICT');
    const v2 = await submit(id, post({ version: 2 }));
    assert.equal(v2.statusCode, 202);
    assert.equal(v2.json().workflowId, `content:${id}:v2`);
  });

  it('when content is invalid, then 422 lists every issue with its path', async () => {
    const bad =
      '---\nstatus: ready\nlanguage: en_US!\noutlets: []\nschedueld: 2026-12-01T09:00:00\nversion: 0\n---\nHello\n';
    const response = await submit(uniqueId('bad'), bad);
    assert.equal(response.statusCode, 422);
    const { error, issues } = response.json<{ error: string; issues: { path: string }[] }>();
    assert.equal(error, 'VALIDATION_FAILED');
    const paths = issues.map((i) => i.path);
    for (const p of ['language', 'outlets', 'schedueld', 'version'])
      assert.ok(
        paths.some((x) => x.startsWith(p)),
        `${p} in ${paths.join(',')}`,
      );
  });

  it('when the request is malformed, then 400/413/415/422 with the error shape and no stack', async () => {
    const oversized = await app.inject({
      method: 'POST',
      url: '/v1/content',
      headers: { ...bearer(keys.integration), 'content-type': 'application/json' },
      payload: JSON.stringify({ id: 'big', markdown: 'x'.repeat(1024 * 1024 + 10) }),
    });
    assert.equal(oversized.statusCode, 413);
    assert.equal(oversized.json().error, 'PAYLOAD_TOO_LARGE');
    const wrongType = await app.inject({
      method: 'POST',
      url: '/v1/content',
      headers: { ...bearer(keys.integration), 'content-type': 'text/csv' },
      payload: 'id,markdown',
    });
    assert.equal(wrongType.statusCode, 415);
    const badJson = await app.inject({
      method: 'POST',
      url: '/v1/content',
      headers: { ...bearer(keys.integration), 'content-type': 'application/json' },
      payload: '{"id": ',
    });
    assert.equal(badJson.statusCode, 400);
    const badId = await submit('../etc/passwd', post());
    assert.equal(badId.statusCode, 422);
    const proto = await app.inject({
      method: 'POST',
      url: '/v1/content',
      headers: { ...bearer(keys.integration), 'content-type': 'application/json' },
      payload: '{"id":"x","markdown":"y","__proto__":{"admin":true}}',
    });
    assert.equal(proto.statusCode, 400);
    for (const r of [oversized, wrongType, badJson, badId, proto]) {
      assert.ok(!r.body.includes('    at '), 'no stack trace');
      assert.equal(typeof r.json().message, 'string');
    }
  });

  it('when an item is previewed and approved by that hash, then it is published and GET shows the URN', async () => {
    const id = uniqueId('flow');
    assert.equal((await submit(id, post({ body: 'Hello #world (v2) @team' }))).statusCode, 202);
    await reaches(id, 'awaiting_approval');
    const preview = await get(`/v1/content/${id}/preview`);
    assert.equal(preview.statusCode, 200);
    const { contentHash, outlets } = preview.json<{
      contentHash: string;
      outlets: { text: string; length: number; limit: number }[];
    }>();
    assert.equal(outlets[0]?.limit, 3000);
    assert.match(outlets[0]?.text ?? '', /\\\(v2\\\)/);
    const approved = await act(id, 'approve', { contentHash, note: 'ship it' });
    assert.equal(approved.statusCode, 200, approved.body);
    await reaches(id, 'published');
    const view = (await get(`/v1/content/${id}`)).json();
    assert.equal(view.live, true);
    assert.match(view.publications[0].postUrn, /^urn:li:share:\d+$/);
    assert.equal(view.approvals[0].actor.length > 0, true);
    const ledger = await stack.standIn.ledger();
    assert.equal(
      ledger.filter((p) => p.urn === view.publications[0].postUrn)[0]?.commentary,
      outlets[0]?.text,
    );
    const missing = await act(id, 'approve', { note: 'no hash' });
    assert.equal(missing.statusCode, 422, 'an approval must name the hash it saw');
    assert.match(JSON.stringify(missing.json().issues), /contentHash/);
    const again = await act(id, 'approve', { contentHash });
    assert.equal(again.statusCode, 409);
    assert.equal(again.json().error, 'INVALID_STATE');
    assert.equal((await act(id, 'reject', { reason: 'late' })).statusCode, 409);
    assert.equal(
      (await act(id, 'reschedule', { scheduled: '2030-01-01T00:00:00Z' })).statusCode,
      409,
    );
    assert.equal((await act(id, 'cancel')).statusCode, 409);
    const audit = await get(`/v1/audit?subject=${id}`, keys.operator);
    assert.equal(audit.statusCode, 200);
    const items = audit.json().items as {
      action: string;
      fromStatus: string | null;
      toStatus: string | null;
    }[];
    const actions = items.map((a) => a.action);
    assert.ok(actions.includes('api.approve'));
    assert.ok(actions.includes('content.submitted'));
    // Newest first: the (first, accepted) approval's entry is older than the status change it
    // made, written by the same statement.
    const decided = actions.lastIndexOf('api.approve');
    const moved = items.findIndex(
      (a) => a.fromStatus === 'awaiting_approval' && a.toStatus === 'scheduled',
    );
    assert.ok(moved >= 0 && decided > moved, `audit order: ${actions.join(', ')}`);
  });

  it('when an unknown item is asked for, then 404; a bad reschedule is 422', async () => {
    assert.equal((await get('/v1/content/nope-nothing')).statusCode, 404);
    assert.equal((await get('/v1/content/nope-nothing/preview')).statusCode, 404);
    const someHash = 'e'.repeat(64);
    assert.equal((await act('nope-nothing', 'approve', { contentHash: someHash })).statusCode, 404);
    const bodyless = await app.inject({
      method: 'POST',
      url: '/v1/content/nope-nothing/cancel',
      headers: bearer(keys.editor),
    });
    assert.equal(bodyless.statusCode, 404, 'cancel needs no body');
    const id = uniqueId('naive');
    await submit(id, post({ scheduled: '2031-01-01T09:00:00Z' }));
    await reaches(id, 'awaiting_approval');
    const naive = await act(id, 'reschedule', { scheduled: '2031-01-01T09:00:00' });
    assert.equal(naive.statusCode, 422);
    const ok = await act(id, 'reschedule', {
      scheduled: '2031-01-02T09:00:00+01:00',
      zone: 'Europe/Paris',
    });
    assert.equal(ok.statusCode, 200, ok.body);
    const view = (await get(`/v1/content/${id}`)).json();
    assert.equal(view.scheduledAt, '2031-01-02T08:00:00.000Z');
    assert.equal(view.scheduledZone, 'Europe/Paris');
    assert.equal((await act(id, 'reject', {})).statusCode, 422);
  });

  it('when listing, then newest first, filtered by status and paginated without overlap', async () => {
    const ids = [uniqueId('list'), uniqueId('list'), uniqueId('list')];
    for (const id of ids) await submit(id, post({ status: 'draft' }));
    for (const id of ids) await reaches(id, 'draft');
    const first = await get('/v1/content?status=draft&limit=2');
    assert.equal(first.statusCode, 200);
    const page1 = first.json<{
      items: { id: string; status: string }[];
      nextCursor: string | null;
    }>();
    assert.equal(page1.items.length, 2);
    assert.ok(page1.items.every((i) => i.status === 'draft'));
    assert.ok(page1.nextCursor);
    const page2 = (await get(`/v1/content?status=draft&limit=2&cursor=${page1.nextCursor}`)).json<
      typeof page1
    >();
    const seen = new Set(page1.items.map((i) => i.id));
    assert.ok(page2.items.every((i) => !seen.has(i.id)));
    assert.equal(page1.items[0]?.id, ids[2]);
    const garbage = await get('/v1/content?cursor=garbage');
    assert.equal(garbage.statusCode, 422);
    assert.equal(garbage.json().issues[0].path, 'querystring.cursor');
    assert.equal((await get('/v1/content?status=bogus')).statusCode, 422);
  });

  it('when the kill switch is engaged, then open items report halted within seconds, and it is audited', async () => {
    const id = uniqueId('ks');
    await submit(id, post({ scheduled: '2031-06-01T09:00:00Z' }));
    await reaches(id, 'awaiting_approval');
    const noReason = await app.inject({
      method: 'PUT',
      url: '/v1/kill-switch',
      headers: bearer(keys.operator),
      payload: { engaged: true },
    });
    assert.equal(noReason.statusCode, 422);
    const on = await app.inject({
      method: 'PUT',
      url: '/v1/kill-switch',
      headers: bearer(keys.operator),
      payload: { engaged: true, reason: 'incident 42' },
    });
    assert.equal(on.statusCode, 200, on.body);
    assert.ok(on.json().signalled >= 1);
    await reaches(id, 'halted');
    const view = (await get(`/v1/content/${id}`)).json();
    assert.equal(view.killSwitch.global.engaged, true);
    assert.equal(view.halt.reason, 'kill_switch');
    assert.equal((await get('/v1/kill-switch')).json().reason, 'incident 42');
    const off = await app.inject({
      method: 'PUT',
      url: '/v1/kill-switch',
      headers: bearer(keys.operator),
      payload: { engaged: false },
    });
    assert.equal(off.statusCode, 200);
    await reaches(id, 'awaiting_approval');
    const audit = (await get('/v1/audit?subject=kill-switch', keys.operator)).json();
    assert.deepEqual(
      (audit.items as { action: string }[]).slice(0, 2).map((a) => a.action),
      ['kill_switch.released', 'kill_switch.engaged'],
    );
  });

  it('when health is asked, then /healthz is ok and /readyz checks Postgres and Temporal', async () => {
    assert.equal((await app.inject('/healthz')).json().status, 'ok');
    const ready = await app.inject('/readyz');
    assert.equal(ready.statusCode, 200);
    assert.deepEqual(Object.keys(ready.json().checks).sort(), ['postgres', 'temporal']);
  });

  it('when the OpenAPI document is fetched, then it validates and every route has request and response schemas', async () => {
    const { validate } = await import('@readme/openapi-parser');
    const doc = (await app.inject('/openapi.json')).json();
    const result = await validate(structuredClone(doc));
    assert.equal(
      result.valid,
      true,
      JSON.stringify('errors' in result ? result.errors : []).slice(0, 2000),
    );
    for (const [path, item] of Object.entries(
      doc.paths as Record<string, Record<string, { responses?: object; requestBody?: object }>>,
    )) {
      for (const [method, op] of Object.entries(item)) {
        assert.ok(
          op.responses && Object.keys(op.responses).length > 0,
          `${method} ${path} has responses`,
        );
        // Cancel and release are the state changes that take no body.
        const bodyless = path.endsWith('/cancel') || path.endsWith('/release');
        if ((method === 'post' || method === 'put') && !bodyless)
          assert.ok(op.requestBody, `${method} ${path} has a request body`);
        if (bodyless) assert.equal(op.requestBody, undefined);
      }
    }
    assert.equal((await app.inject('/docs')).statusCode < 400, true);
  });
});
