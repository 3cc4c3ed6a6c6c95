import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import Fastify from 'fastify';
import { createAuthFailures } from '../../api/auth-failures';
import { installAuth } from '../../api/auth';
import { installErrorHandler } from '../../api/error-handler';
import {
  declarationFor,
  isRoleRoute,
  PUBLIC,
  ROUTE_ACCESS,
  type RoleRouteKey,
  type RouteKey,
} from '../../api/roles';
import { ROLES } from '../../contracts/api';
import { bearer, buildTestApp, createKeys, type Keys } from '../helpers/api';
import { eventually, startStack, type Stack } from '../helpers/stack';

// Every route × every role × no key. A request that passes authorization may still be refused
// later (404, 422): what matters here is that it is not 401/403 when allowed, and is when not.
describe('authorization matrix', () => {
  let stack: Stack;
  let app: FastifyInstance;
  let keys: Keys;

  before(async () => {
    stack = await startStack({ connectAccount: false });
    app = await buildTestApp(stack);
    keys = await createKeys(stack);
  });
  after(async () => {
    await app.close();
    await stack.close();
  });

  const call = (route: RoleRouteKey, headers: Record<string, string>) => {
    const [method, path] = route.split(' ') as [string, string];
    return app.inject({
      method: method as 'GET' | 'POST' | 'PUT' | 'DELETE',
      url: path.replace(':id', 'no-such-item'),
      headers,
      ...(method === 'GET' ? {} : { payload: {} }),
    });
  };

  for (const route of (Object.keys(ROUTE_ACCESS) as RouteKey[]).filter(isRoleRoute)) {
    it(`when ${route} is called without a key, then 401`, async () => {
      const response = await call(route, {});
      assert.equal(response.statusCode, 401);
      assert.equal(response.json().error, 'UNAUTHORIZED');
    });
    it(`when ${route} is called with a revoked or unknown key, then 401`, async () => {
      const response = await call(route, bearer('stg_not-a-real-key-at-all-000000000000'));
      assert.equal(response.statusCode, 401);
    });
    for (const role of ROLES) {
      const allowed =
        role === 'operator' || (ROUTE_ACCESS[route] as readonly string[]).includes(role);
      it(`when ${route} is called as ${role}, then it is ${allowed ? 'allowed' : '403'}`, async () => {
        const response = await call(route, bearer(keys[role]));
        if (allowed) {
          assert.ok(
            ![401, 403].includes(response.statusCode),
            `${route} as ${role}: ${response.statusCode} ${response.body}`,
          );
        } else {
          assert.equal(response.statusCode, 403, response.body);
          assert.equal(response.json().error, 'FORBIDDEN');
        }
      });
    }
  }

  it('when the API is built, then every registered route has an entry in ROUTE_ACCESS, and every entry a route', () => {
    const registered = app.routeTable.routes();
    assert.ok(registered.length > 20, registered.join('\n'));
    const undeclared = registered.filter((r) => {
      const [method, url] = r.split(' ') as [string, string];
      return declarationFor(method, url) === undefined;
    });
    assert.deepEqual(undeclared, []);
    const unused = (Object.keys(ROUTE_ACCESS) as RouteKey[]).filter(
      (key) =>
        !registered.some((r) => {
          const [method, url] = r.split(' ') as [string, string];
          return declarationFor(method, url) === key;
        }),
    );
    assert.deepEqual(unused, []);
  });

  it('when a route is registered without an entry in ROUTE_ACCESS, then the API refuses to start, naming it', async () => {
    const bare = Fastify();
    installErrorHandler(bare);
    installAuth(bare, stack.db, createAuthFailures(30), 0);
    bare.get('/healthz', async () => ({ status: 'ok' }));
    bare.get('/v1/forgotten', async () => ({ secret: true }));
    await assert.rejects(async () => bare.ready(), /ROUTE_ACCESS.*GET \/v1\/forgotten/);
  });

  for (const route of (Object.keys(ROUTE_ACCESS) as RouteKey[]).filter(
    (key) => ROUTE_ACCESS[key] === PUBLIC,
  )) {
    it(`when public ${route} is called without a key, then it answers without asking for one`, async () => {
      const url = route.split(' ')[1]?.replace('/*', '/json') ?? '/';
      const response = await app.inject({ method: 'GET', url });
      assert.ok(
        response.statusCode < 400,
        `${url}: ${response.statusCode} ${response.body.slice(0, 200)}`,
      );
    });
  }

  it('when a key is revoked, then it is refused within the key cache time', async () => {
    const { createApiKey, revokeApiKey } = await import('../../platform/api-keys');
    const created = await createApiKey(stack.db, `temp-${Date.now()}`, 'editor');
    assert.equal(
      (await app.inject({ method: 'GET', url: '/v1/content', headers: bearer(created.key) }))
        .statusCode,
      200,
    );
    const revoked = await stack.db.apiKey.findUniqueOrThrow({ where: { id: created.id } });
    await revokeApiKey(stack.db, revoked.name);
    await eventually(
      async () =>
        (await app.inject({ method: 'GET', url: '/v1/content', headers: bearer(created.key) }))
          .statusCode === 401
          ? true
          : undefined,
      30_000,
      'the revoked key to be refused',
    );
  });

  it('when keys are stored, then only their hashes are in the database', async () => {
    const rows = await stack.db.apiKey.findMany();
    const dump = JSON.stringify(rows);
    for (const key of Object.values(keys)) assert.ok(!dump.includes(key));
  });
});
