// Rate limits count client addresses, never the credentials a caller chooses, and a stricter
// limit on failed authentications stops key, session and OAuth-state guessing before any
// credential is looked up. Behind a trusted proxy, the forwarded client address is the one counted.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance, InjectOptions } from 'fastify';
import { bearer, buildTestApp, createKeys, type Keys } from '../helpers/api';
import { startStack, type Stack } from '../helpers/stack';

const invented = () => `stg_${randomBytes(32).toString('base64url')}`;

describe('rate limits per client address', () => {
  let stack: Stack;
  let keys: Keys;
  const apps: FastifyInstance[] = [];
  const build = async (options: Parameters<typeof buildTestApp>[1] = {}) => {
    const app = await buildTestApp(stack, options);
    apps.push(app);
    return app;
  };

  before(async () => {
    stack = await startStack({ connectAccount: false });
    keys = await createKeys(stack);
  });
  after(async () => {
    for (const app of apps) await app.close();
    await stack.close();
  });

  it('when one address floods, then 429 RATE_LIMITED with Retry-After whichever key it sends, while another address is served', async () => {
    const app = await build({ rateLimitPerMinute: 5 });
    const from = (remoteAddress: string, key: string) =>
      app.inject({ method: 'GET', url: '/v1/content', headers: bearer(key), remoteAddress });
    const codes: number[] = [];
    for (let i = 0; i < 5; i++) codes.push((await from('10.1.0.1', keys.editor)).statusCode);
    assert.deepEqual(codes, [200, 200, 200, 200, 200]);
    // A fresh key from the same address does not get a fresh allowance.
    const limited = await from('10.1.0.1', keys.operator);
    assert.equal(limited.statusCode, 429);
    assert.equal(limited.json().error, 'RATE_LIMITED');
    assert.ok(Number(limited.headers['retry-after']) > 0);
    assert.equal((await from('10.1.0.2', keys.editor)).statusCode, 200);
  });

  it('when 300 requests with invented keys come from one address, then past 30 failures each is 429 with Retry-After, even with a valid key, while other addresses are unaffected', async () => {
    const app = await build();
    const attacker = '10.2.0.1';
    const codes = new Map<number, number>();
    let firstLimited = -1;
    let retryAfter = 0;
    for (let i = 0; i < 300; i++) {
      const r = await app.inject({
        method: 'GET',
        url: '/v1/content',
        headers: bearer(invented()),
        remoteAddress: attacker,
      });
      codes.set(r.statusCode, (codes.get(r.statusCode) ?? 0) + 1);
      if (r.statusCode === 429 && firstLimited < 0) {
        firstLimited = i;
        retryAfter = Number(r.headers['retry-after']);
        assert.equal(r.json().error, 'RATE_LIMITED');
      }
    }
    assert.deepEqual(Object.fromEntries(codes), { 401: 30, 429: 270 });
    assert.equal(firstLimited, 30);
    assert.ok(retryAfter > 0 && retryAfter <= 60, `Retry-After ${retryAfter}`);
    // Refused before the key is looked up: a valid key from that address is refused as well.
    const valid = await app.inject({
      method: 'GET',
      url: '/v1/content',
      headers: bearer(keys.editor),
      remoteAddress: attacker,
    });
    assert.equal(valid.statusCode, 429);
    const other = await app.inject({
      method: 'GET',
      url: '/v1/content',
      headers: bearer(keys.editor),
      remoteAddress: '10.2.0.2',
    });
    assert.equal(other.statusCode, 200);
    // Public routes stay open to the blocked address.
    assert.equal(
      (await app.inject({ method: 'GET', url: '/healthz', remoteAddress: attacker })).statusCode,
      200,
    );
  });

  it('when requests carry no credential at all, then they are refused 401 without counting as guesses', async () => {
    const app = await build();
    const codes = new Set<number>();
    for (let i = 0; i < 60; i++) {
      codes.add(
        (await app.inject({ method: 'GET', url: '/v1/content', remoteAddress: '10.3.0.1' }))
          .statusCode,
      );
    }
    assert.deepEqual([...codes], [401]);
  });

  it('when the review sign-in, the session cookie and the OAuth callback are fed guesses, then each address is cut off after 30 failures', async () => {
    const app = await build();
    const guesses: [string, (i: number) => InjectOptions][] = [
      [
        'review sign-in',
        () => ({ method: 'POST', url: '/v1/session', payload: { apiKey: invented() } }),
      ],
      [
        'session cookie',
        () => ({
          method: 'GET',
          url: '/v1/content',
          headers: { cookie: `stargue_session=${randomBytes(32).toString('base64url')}` },
        }),
      ],
      [
        'OAuth callback',
        () => ({
          method: 'GET',
          url: `/v1/oauth/linkedin/callback?state=${randomBytes(32).toString('base64url')}&code=x`,
        }),
      ],
    ];
    for (const [what, request] of guesses) {
      const remoteAddress = `10.4.0.${guesses.findIndex(([w]) => w === what) + 1}`;
      const codes: number[] = [];
      for (let i = 0; i < 35; i++) {
        codes.push((await app.inject({ ...request(i), remoteAddress })).statusCode);
      }
      assert.ok(
        codes.slice(0, 30).every((c) => c === 400 || c === 401),
        `${what}: ${codes.join(',')}`,
      );
      assert.deepEqual(codes.slice(30), [429, 429, 429, 429, 429], what);
    }
  });

  it('when a trusted proxy forwards clients, then each forwarded address has its own count; from anyone else the header is ignored', async () => {
    // inject() connects from 127.0.0.1: the proxy.
    const proxied = await build({ trustProxy: ['127.0.0.1'] });
    const direct = await build();
    const guess = (app: FastifyInstance, forwardedFor: string) =>
      app.inject({
        method: 'GET',
        url: '/v1/content',
        headers: { ...bearer(invented()), 'x-forwarded-for': forwardedFor },
      });
    for (let i = 0; i < 30; i++)
      assert.equal((await guess(proxied, '203.0.113.7')).statusCode, 401);
    assert.equal((await guess(proxied, '203.0.113.7')).statusCode, 429);
    assert.equal((await guess(proxied, '203.0.113.8')).statusCode, 401);
    // Not behind a trusted proxy: a caller cannot pick a new address per request.
    for (let i = 0; i < 30; i++) await guess(direct, `198.51.100.${i}`);
    assert.equal((await guess(direct, '198.51.100.200')).statusCode, 429);
  });
});
