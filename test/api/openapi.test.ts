// The OpenAPI document tells the truth for clients generated from it (issue 13, item 10): every
// status a route can answer is declared, a known path asked with another method answers 405
// with Allow, and a bad cursor is refused the same way on every list.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { bearer, buildTestApp, createKeys, type Keys } from '../helpers/api';
import { startStack, type Stack } from '../helpers/stack';

type Operation = {
  responses: Record<string, unknown>;
  security?: unknown[];
  parameters?: unknown[];
  requestBody?: unknown;
};
type Doc = { paths: Record<string, Record<string, Operation>> };

describe('OpenAPI document, methods and cursors', () => {
  let stack: Stack;
  let app: FastifyInstance;
  let keys: Keys;
  let doc: Doc;

  before(async () => {
    stack = await startStack({ connectAccount: false });
    app = await buildTestApp(stack, { rateLimitPerMinute: 100_000 });
    keys = await createKeys(stack);
    doc = (await app.inject('/openapi.json')).json<Doc>();
  });
  after(async () => {
    await app.close();
    await stack.close();
  });

  it('when the document is read, then every operation declares 400, 429 and 431, keyed ones 401, 403 and 503, body methods 413 and 415, and validated ones 422', () => {
    const missing: string[] = [];
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(item)) {
        const expected = ['400', '429', '431'];
        if (op.security) expected.push('401', '403', '503');
        if (['post', 'put', 'delete'].includes(method)) expected.push('413', '415');
        if (op.parameters?.length || op.requestBody) expected.push('422');
        for (const status of expected) {
          if (!(status in op.responses)) missing.push(`${method.toUpperCase()} ${path}: ${status}`);
        }
      }
    }
    assert.deepEqual(missing, []);
  });

  it('when a documented path is asked with a method it does not take, then 405 with Allow, before any body is read', async () => {
    const failures: string[] = [];
    for (const [path, item] of Object.entries(doc.paths)) {
      const url = path.replace('{id}', 'some-item');
      const declared = Object.keys(item).map((m) => m.toUpperCase());
      for (const method of ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'TRACE', 'QUERY']) {
        if (declared.includes(method)) continue;
        const r = await app.inject({
          method: method as 'GET',
          url,
          headers: bearer(keys.operator),
          // A body with no content type: Fastify would refuse it (400) if it read it first.
          ...(method === 'QUERY' ? { payload: 'x' } : {}),
        });
        const allow = String(r.headers.allow ?? '');
        const ok =
          r.statusCode === 405 &&
          r.json().error === 'METHOD_NOT_ALLOWED' &&
          declared.every((m) => allow.split(', ').includes(m));
        if (!ok) failures.push(`${method} ${url}: ${r.statusCode} allow=${allow} ${r.body}`);
      }
    }
    assert.deepEqual(failures, []);
    const unknown = await app.inject({ method: 'DELETE', url: '/v1/nothing-here' });
    assert.equal(unknown.statusCode, 404);
  });

  it('when a bad cursor is sent to either list, then both answer 422 naming querystring.cursor with the same message', async () => {
    const answers = [];
    for (const url of [
      '/v1/content?cursor=garbage',
      '/v1/content?cursor=eyJ0IjoiMjAyNi0xMi0wMVQwMDowMDowMC4wMDBaIiwiaWQiOiJ4IiwidiI6MX0',
      '/v1/audit?subject=kill-switch&cursor=garbage',
      '/v1/audit?subject=kill-switch&cursor=9223372036854775808',
      '/v1/content/some-item/audit?cursor=-1',
    ]) {
      const r = await app.inject({ method: 'GET', url, headers: bearer(keys.operator) });
      assert.equal(r.statusCode, 422, `${url}: ${r.body}`);
      const issue = r.json<{ issues: { path: string; message: string }[] }>().issues[0];
      assert.equal(issue?.path, 'querystring.cursor', url);
      answers.push(issue?.message);
    }
    assert.equal(new Set(answers).size, 1, answers.join(' | '));
  });

  it('when a cursor has the documented shape, then the list answers 200 from that position', async () => {
    for (const url of [
      '/v1/content?cursor=0.1.a',
      '/v1/content?cursor=999999999999999.999999999.zz-top',
      '/v1/audit?subject=kill-switch&cursor=999999999999999999',
    ]) {
      const r = await app.inject({ method: 'GET', url, headers: bearer(keys.operator) });
      assert.equal(r.statusCode, 200, `${url}: ${r.body}`);
    }
  });
});
