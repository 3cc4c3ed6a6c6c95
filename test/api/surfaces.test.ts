// What the API shows besides its routes' data (issue 13, item 7): security headers on every
// answer, Secure cookies whenever the client spoke HTTPS, no /metrics on the public port, a
// readiness answer without internal error text, and no way for content routes to reach the
// operators' audit subjects.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance, InjectOptions } from 'fastify';
import { buildApp } from '../../api/app';
import { SECURITY_HEADERS } from '../../api/headers';
import { buildMetricsServer, createApiMetrics } from '../../api/metrics';
import {
  ContentIdSchema,
  OPERATOR_AUDIT_SUBJECTS,
  isOperatorAuditSubject,
} from '../../contracts/api';
import { accountIdFor } from '../../outlets/linkedin/accounts';
import { vaultFrom } from '../../platform/crypto/keyring';
import { bearer, buildTestApp, createKeys, type Keys } from '../helpers/api';
import { post, publishingDeps } from '../helpers/content';
import { startStack, uniqueId, type Stack } from '../helpers/stack';

describe('security headers and exposed surfaces', () => {
  let stack: Stack;
  let app: FastifyInstance;
  let keys: Keys;

  before(async () => {
    stack = await startStack({ connectAccount: false });
    app = await buildTestApp(stack, { rateLimitPerMinute: 1000, trustProxy: ['127.0.0.1'] });
    keys = await createKeys(stack);
  });
  after(async () => {
    await app.close();
    await stack.close();
  });

  it('when answers of every kind are sent (2xx, 400, 401, 403, 404, 405, 413, 415, 422), then each carries nosniff, Referrer-Policy, frame denial and a CSP', async () => {
    const cases: [number, InjectOptions][] = [
      [200, { method: 'GET', url: '/healthz' }],
      [200, { method: 'GET', url: '/v1/content', headers: bearer(keys.editor) }],
      [400, { method: 'GET', url: '/v1/content/%E0%A4%A' }],
      [401, { method: 'GET', url: '/v1/content' }],
      [403, { method: 'GET', url: '/v1/audit?subject=x', headers: bearer(keys.editor) }],
      [404, { method: 'GET', url: '/nowhere' }],
      [405, { method: 'DELETE', url: '/v1/content' }],
      [
        413,
        {
          method: 'POST',
          url: '/v1/content',
          headers: { ...bearer(keys.editor), 'content-type': 'application/json' },
          payload: JSON.stringify({ id: 'x', markdown: 'x'.repeat(1024 * 1024) }),
        },
      ],
      [
        415,
        {
          method: 'POST',
          url: '/v1/content',
          headers: { ...bearer(keys.editor), 'content-type': 'application/xml' },
          payload: '<x/>',
        },
      ],
      [422, { method: 'GET', url: '/v1/content?limit=0', headers: bearer(keys.editor) }],
    ];
    for (const [status, request] of cases) {
      const r = await app.inject(request);
      assert.equal(
        r.statusCode,
        status,
        `${String(request.method)} ${JSON.stringify(request.url)}: ${r.body}`,
      );
      for (const [name, value] of Object.entries(SECURITY_HEADERS)) {
        assert.equal(r.headers[name], value, `${name} on ${status}`);
      }
    }
    assert.match(SECURITY_HEADERS['content-security-policy'], /default-src 'none'/);
    assert.match(SECURITY_HEADERS['content-security-policy'], /frame-ancestors 'none'/);
  });

  it("when a request head is past 16 KiB, then Node's refusal still comes as 431 in the error shape with the headers", async () => {
    const listening = await buildTestApp(stack);
    try {
      const base = await listening.listen({ host: '127.0.0.1', port: 0 });
      const r = await fetch(`${base}/v1/content?cursor=${'c'.repeat(20_000)}`);
      assert.equal(r.status, 431);
      assert.deepEqual(await r.json(), {
        error: 'HEADERS_TOO_LARGE',
        message: 'the request line and headers exceed 16 KiB',
      });
      for (const [name, value] of Object.entries(SECURITY_HEADERS)) {
        assert.equal(r.headers.get(name), value, name);
      }
    } finally {
      await listening.close();
    }
  });

  it('when /review and /docs are fetched, then each keeps its own page policy, still framed by no one', async () => {
    const review = await app.inject('/review');
    assert.match(String(review.headers['content-security-policy']), /script-src 'self'/);
    assert.match(String(review.headers['content-security-policy']), /frame-ancestors 'none'/);
    const docs = await app.inject('/docs/');
    assert.equal(docs.statusCode, 200);
    assert.match(String(docs.headers['content-security-policy']), /frame-ancestors 'none'/);
    assert.equal(docs.headers['x-content-type-options'], 'nosniff');
  });

  it('when the original request was HTTPS (behind a trusted proxy), then the session cookie is Secure and HSTS is sent; over plain HTTP neither', async () => {
    const signIn = (headers: Record<string, string>) =>
      app.inject({ method: 'POST', url: '/v1/session', headers, payload: { apiKey: keys.editor } });
    const https = await signIn({ 'x-forwarded-proto': 'https' });
    assert.equal(https.statusCode, 200, https.body);
    assert.match(String(https.headers['set-cookie']), /; Secure/);
    assert.match(String(https.headers['strict-transport-security']), /max-age=\d+/);
    const plain = await signIn({});
    assert.doesNotMatch(String(plain.headers['set-cookie']), /Secure/);
    assert.equal(plain.headers['strict-transport-security'], undefined);
  });

  it('when HTTPS is claimed by a client that is not a trusted proxy, then the claim is ignored', async () => {
    const direct = await buildTestApp(stack);
    try {
      const r = await direct.inject({
        method: 'POST',
        url: '/v1/session',
        headers: { 'x-forwarded-proto': 'https' },
        payload: { apiKey: keys.editor },
      });
      assert.equal(r.statusCode, 200, r.body);
      assert.doesNotMatch(String(r.headers['set-cookie']), /Secure/);
    } finally {
      await direct.close();
    }
  });

  it('when /metrics is asked on the API port, with or without a key, then 404; the metrics listener serves it', async () => {
    assert.equal((await app.inject('/metrics')).statusCode, 404);
    assert.equal(
      (await app.inject({ method: 'GET', url: '/metrics', headers: bearer(keys.operator) }))
        .statusCode,
      404,
    );
    const metrics = createApiMetrics(stack.db);
    const server = await buildMetricsServer(metrics, stack.log);
    try {
      const r = await server.inject('/metrics');
      assert.equal(r.statusCode, 200);
      assert.match(r.body, /# TYPE stargue_items gauge/);
    } finally {
      await server.close();
    }
  });

  it('when a dependency is down, then /readyz names it and holds none of its error text', async () => {
    const leaky = 'password authentication failed for user "stargue" at 10.9.8.7:5432';
    const down = await buildApp({
      log: stack.log,
      publishing: publishingDeps(stack),
      linkedin: null,
      vault: vaultFrom(stack.config),
      readiness: [
        { name: 'postgres', check: () => Promise.reject(new Error(leaky)) },
        { name: 'temporal', check: async () => undefined },
      ],
    });
    try {
      const r = await down.inject('/readyz');
      assert.equal(r.statusCode, 503);
      assert.deepEqual(r.json(), {
        status: 'unavailable',
        checks: { postgres: { ok: false }, temporal: { ok: true } },
        warnings: [],
      });
      assert.ok(!r.body.includes('password') && !r.body.includes('10.9.8.7'));
    } finally {
      await down.close();
    }
  });

  it("when content routes are asked for the operators' audit subjects, then 422; no content id can take their names", async () => {
    for (const subject of [...OPERATOR_AUDIT_SUBJECTS, accountIdFor('abc123')]) {
      const r = await app.inject({
        method: 'GET',
        url: `/v1/content/${subject}/audit`,
        headers: bearer(keys.editor),
      });
      assert.equal(r.statusCode, 422, `${subject}: ${r.body}`);
      assert.equal(r.json().issues[0].path, 'params.id');
      const submitted = await app.inject({
        method: 'POST',
        url: '/v1/content',
        headers: bearer(keys.integration),
        payload: { id: subject, markdown: post() },
      });
      assert.equal(submitted.statusCode, 422, `${subject}: ${submitted.body}`);
      assert.equal(ContentIdSchema.safeParse(subject).success, false);
    }
    // The LinkedIn accounts' subjects are recognised wherever accounts are named.
    assert.ok(isOperatorAuditSubject(accountIdFor(uniqueId('member'))));
    // Operators still read them on /v1/audit.
    const operator = await app.inject({
      method: 'GET',
      url: '/v1/audit?subject=kill-switch',
      headers: bearer(keys.operator),
    });
    assert.equal(operator.statusCode, 200);
  });
});
