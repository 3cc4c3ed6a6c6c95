// Key lifecycle through the API (docs/security.md, "API key lifecycle"): an expired key is refused
// like an unknown one, also behind a review-page session it opened, and a used key's last use is
// written without the request waiting for it.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { createApiKey } from '../../platform/api-keys';
import { bearer, buildTestApp } from '../helpers/api';
import { eventually, startStack, uniqueId, type Stack } from '../helpers/stack';

describe('API key lifecycle over the API', () => {
  let stack: Stack;
  let app: FastifyInstance;

  before(async () => {
    stack = await startStack({ connectAccount: false });
    app = await buildTestApp(stack);
  });
  after(async () => {
    await app.close();
    await stack.close();
  });

  const expire = (id: string) =>
    stack.db.apiKey.update({ where: { id }, data: { expiresAt: new Date(Date.now() - 1) } });
  const list = (key: string) =>
    app.inject({ method: 'GET', url: '/v1/content', headers: bearer(key) });

  it('when a key has expired, then requests with it get 401 like an unknown key', async () => {
    const { id, key } = await createApiKey(stack.db, uniqueId('expiring'), 'editor', {
      expiresAt: new Date(Date.now() + 60 * 60 * 1000),
    });
    assert.equal((await list(key)).statusCode, 200);
    await expire(id);
    // The API remembers a key lookup briefly (API_KEY_CACHE_SECONDS; a second in tests): an
    // expiry moved into the past bites once that has passed, like a revocation.
    const refused = await eventually(
      async () => {
        const response = await list(key);
        return response.statusCode === 401 ? response : undefined;
      },
      10_000,
      '401 for the expired key',
    );
    assert.equal(refused.json().error, 'UNAUTHORIZED');
  });

  it('when the key behind a review session expires, then the session stops working', async () => {
    const { id, key } = await createApiKey(stack.db, uniqueId('session'), 'editor');
    const signIn = await app.inject({
      method: 'POST',
      url: '/v1/session',
      payload: { apiKey: key },
    });
    assert.equal(signIn.statusCode, 200, signIn.body);
    const cookie = String(signIn.headers['set-cookie']).split(';')[0] ?? '';
    const who = () => app.inject({ method: 'GET', url: '/v1/session', headers: { cookie } });
    assert.equal((await who()).statusCode, 200);
    await expire(id);
    assert.equal((await who()).statusCode, 401);
  });

  it('when a key is used, then its last use is recorded shortly after', async () => {
    const { id, key } = await createApiKey(stack.db, uniqueId('used'), 'integration');
    const before = Date.now();
    assert.equal((await list(key)).statusCode, 200);
    const recorded = await eventually(
      async () =>
        (await stack.db.apiKey.findUniqueOrThrow({ where: { id } })).lastUsedAt ?? undefined,
      20_000,
      'last_used_at',
    );
    assert.ok(recorded.getTime() >= before - 5_000);
  });
});
