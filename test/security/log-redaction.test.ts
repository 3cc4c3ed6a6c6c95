// RELIABILITY.md §1.5 and §4 (ASVS 16.2.5, 16.4.1), end to end: an operator connects LinkedIn
// over real HTTP, an integration submits and an editor approves, the production worker process
// publishes — with sentinel secrets planted wherever a client can put them (auth, cookie, proxy
// and API-key headers, OAuth parameters in query strings, a Markdown body). The API's logs (at
// trace), the worker's output and a pg_dump of the database hold none of them.
// (test/outlets/linkedin/no-secrets.test.ts covers the token refresh path and Temporal history;
// test/api/oauth.test.ts covers forged, replayed and expired OAuth state.)
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { createKeys, type Keys } from '../helpers/api';
import { post, hashOf } from '../helpers/content';
import { startStack, uniqueId, type Stack } from '../helpers/stack';
import {
  captureLogs,
  connectViaOAuth,
  reaches,
  startOAuthApp,
  storedTokens,
  withLog,
  type OAuthApp,
} from '../outlets/linkedin/pipeline';
import {
  endWorker,
  postsFor,
  secretsIn,
  spawnDrillWorker,
  workerRunning,
  type WorkerChild,
} from '../drills/support/drill';

const run = promisify(execFile);
const sentinel = (name: string) => `SENTINEL${name}${randomBytes(12).toString('hex')}`;

describe('no secret in the logs or the database, end to end', () => {
  const logs = captureLogs('stargue', 'trace');
  let stack: Stack;
  let oauth: OAuthApp;
  let keys: Keys;
  let worker: WorkerChild | undefined;
  const secrets = new Map<string, string>();
  /** Planted by this test in requests; secret-looking, so never to be logged. */
  const planted = {
    cookie: sentinel('cookie'),
    proxy: sentinel('proxy'),
    apiKeyHeader: sentinel('xapikey'),
    queryToken: sentinel('querytoken'),
    queryCode: sentinel('querycode'),
    queryState: sentinel('querystate'),
    fakeKey: `stg_${randomBytes(24).toString('hex')}`,
    forgedCode: sentinel('forgedcode'),
  };
  const body = sentinel('body');
  let id = '';
  let marker = '';

  before(async () => {
    stack = withLog(await startStack({ connectAccount: false }), logs.log);
    oauth = await startOAuthApp(stack, { log: logs.log });
    keys = await createKeys(stack);

    const round = await connectViaOAuth(oauth, keys.operator);
    assert.equal(round.status, 200, JSON.stringify(round.json));
    const accountId = String(round.json.accountId);
    const tokens = await storedTokens(stack, accountId);
    secrets.set('access token', tokens.accessToken);
    secrets.set('OAuth code', round.callback.searchParams.get('code') ?? '');
    secrets.set('OAuth state', round.state);
    secrets.set('client secret', oauth.clientSecret);
    secrets.set('token encryption key', stack.config.TOKEN_ENCRYPTION_KEY);
    for (const [role, key] of Object.entries(keys)) secrets.set(`${role} API key`, key);
    for (const [name, value] of Object.entries(planted)) secrets.set(`planted ${name}`, value);

    worker = spawnDrillWorker(stack, null, { LOG_LEVEL: 'trace' });
    await workerRunning(worker);

    const call = (method: string, path: string, key: string, payload?: unknown) =>
      fetch(`${oauth.baseUrl}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${key}`,
          cookie: `session=${planted.cookie}; theme=dark`,
          'proxy-authorization': `Basic ${planted.proxy}`,
          'x-api-key': planted.apiKeyHeader,
          ...(payload === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(payload === undefined ? {} : { body: JSON.stringify(payload) }),
      });
    const query = `access_token=${planted.queryToken}&code=${planted.queryCode}&state=${planted.queryState}`;

    id = uniqueId('redact');
    marker = uniqueId('m');
    const submitted = await call('POST', `/v1/content?${query}`, keys.integration, {
      id,
      markdown: post({ body: `Quarterly numbers ${marker} ${body}` }),
    });
    assert.equal(submitted.status, 202, await submitted.text());
    await reaches(stack, id, 'awaiting_approval');
    const approved = await call('POST', `/v1/content/${id}/approve?${query}`, keys.editor, {
      contentHash: await hashOf(stack, id),
    });
    assert.equal(approved.status, 200, await approved.text());
    // Refusals are logged too: an unknown key shaped like ours, a forged callback.
    assert.equal((await call('GET', `/v1/content?${query}`, planted.fakeKey)).status, 401);
    const forged = new URL(round.callback);
    forged.searchParams.set('code', planted.forgedCode);
    assert.equal((await fetch(forged)).status, 400);
    await reaches(stack, id, 'published', 60_000);
    assert.equal((await postsFor(stack, marker)).length, 1);
  });
  after(async () => {
    await endWorker(worker, 'SIGTERM');
    await oauth?.close();
    await stack?.close();
  });

  it('when the API logs at trace level are read, then no secret appears, though the requests were logged', () => {
    const text = logs.text();
    // Every request that carried planted secrets left its access line (URL scrubbed, status kept).
    const access = logs.requests().map((r) => `${r.method} ${r.url?.split('?')[0]}`);
    for (const request of [
      'POST /v1/content',
      `POST /v1/content/${id}/approve`,
      'GET /v1/content',
      'GET /v1/oauth/linkedin/callback',
    ])
      assert.ok(access.includes(request), `${request} in ${JSON.stringify(access)}`);
    assert.match(text, /authentication failed/);
    assert.match(text, /LinkedIn authorization refused/);
    assert.deepEqual(secretsIn(text, secrets), []);
  });

  it('when the worker process output is read, then no secret appears, though it published', () => {
    const text = worker?.output() ?? '';
    assert.match(text, /worker running/);
    assert.deepEqual(secretsIn(text, secrets), []);
  });

  it('when the logs are read, then the Markdown body is not in them (hash and length only)', () => {
    assert.ok(!logs.text().includes(body), 'API logs');
    assert.ok(!(worker?.output() ?? '').includes(body), 'worker output');
  });

  it('when the database is dumped after the publish, then no token, key, secret or OAuth value is in it', async () => {
    const { stdout } = await run('pg_dump', ['--data-only', '--dbname', stack.ownerDatabaseUrl], {
      maxBuffer: 64 * 1024 * 1024,
    });
    assert.ok(stdout.includes(marker), 'the dump holds the item');
    assert.deepEqual(secretsIn(stdout, secrets), []);
  });
});
