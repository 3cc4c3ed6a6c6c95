import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { contentWorkflowId } from '../../../contracts/ids';
import { createKeys, type Keys } from '../../helpers/api';
import { post, hashOf } from '../../helpers/content';
import { startStack, uniqueId, type Stack } from '../../helpers/stack';
import {
  captureLogs,
  connectViaOAuth,
  ledgerFor,
  reaches,
  startOAuthApp,
  startWorkerWith,
  storedTokens,
  withLog,
  type OAuthApp,
  type OAuthRound,
} from './pipeline';

const run = promisify(execFile);

describe('no secret in Postgres, the logs or Temporal history after a connect and a publish', () => {
  const logs = captureLogs('stargue', 'trace');
  let stack: Stack;
  let oauth: OAuthApp;
  let keys: Keys;
  let round: OAuthRound;
  const secrets = new Map<string, string>();
  const published: string[] = [];

  const api = (method: string, path: string, key: string, body?: unknown) =>
    fetch(`${oauth.baseUrl}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${key}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });

  before(async () => {
    const base = await startStack({ connectAccount: false });
    stack = withLog(base, logs.log);
    oauth = await startOAuthApp(stack, { issueRefreshTokens: true, log: logs.log });
    keys = await createKeys(stack);
    await startWorkerWith(stack, { client: oauth.client, log: logs.log });

    round = await connectViaOAuth(oauth, keys.operator);
    assert.equal(round.status, 200, JSON.stringify(round.json));
    const accountId = String(round.json.accountId);
    const first = await storedTokens(stack, accountId);
    assert.ok(first.refreshToken, 'a refresh token to look for');

    // LinkedIn expires the token, so the publish refreshes it: two access tokens in play.
    await stack.standIn.expireToken(first.accessToken);
    const id = uniqueId('secret');
    const marker = uniqueId('m');
    const submitted = await api('POST', '/v1/content', keys.integration, {
      id,
      markdown: post({ body: `Nothing to hide ${marker} #security` }),
    });
    assert.equal(submitted.status, 202, await submitted.text());
    await reaches(stack, id, 'awaiting_approval');
    const approved = await api('POST', `/v1/content/${id}/approve`, keys.editor, {
      contentHash: await hashOf(stack, id),
    });
    assert.equal(approved.status, 200, await approved.text());
    await reaches(stack, id, 'published');
    assert.equal((await ledgerFor(stack, marker)).length, 1);
    published.push(id);
    const second = await storedTokens(stack, accountId);
    assert.notEqual(second.accessToken, first.accessToken, 'the token was refreshed');

    // Refusals and failed authentication log too.
    const forged = new URL(round.callback);
    forged.searchParams.set('state', 'x'.repeat(43));
    assert.equal((await fetch(forged)).status, 400);
    assert.equal((await api('GET', '/v1/content', `${keys.editor}x`)).status, 401);
    assert.equal((await api('GET', '/v1/audit?subject=linkedin', keys.editor)).status, 403);

    secrets.set('first access token', first.accessToken);
    secrets.set('refreshed access token', second.accessToken);
    secrets.set('refresh token', first.refreshToken);
    if (second.refreshToken) secrets.set('current refresh token', second.refreshToken);
    for (const [role, key] of Object.entries(keys)) secrets.set(`${role} API key`, key);
    secrets.set('client secret', oauth.clientSecret);
    secrets.set('token encryption key', stack.config.TOKEN_ENCRYPTION_KEY);
    secrets.set('OAuth code', round.callback.searchParams.get('code') ?? '');
    secrets.set('OAuth state', round.state);
    for (const [name, value] of secrets) assert.ok(value.length >= 20, `${name} is a real value`);
  });
  after(async () => {
    await oauth.close();
    await stack.close();
  });

  const found = (haystack: string) =>
    [...secrets].filter(([, value]) => haystack.includes(value)).map(([name]) => name);

  it('when the database is dumped, then neither token, nor any API key, nor the OAuth code or state appears', async () => {
    const { stdout } = await run('pg_dump', ['--data-only', '--dbname', stack.ownerDatabaseUrl], {
      maxBuffer: 64 * 1024 * 1024,
    });
    assert.ok(stdout.includes(String(round.json.accountId)), 'the dump holds the account row');
    assert.ok(stdout.includes('linkedin.connected'), 'and its audit entry');
    assert.deepEqual(found(stdout), []);
    // Tokens are sealed bytes; a hex or base64 rendering of the plain text is not there either.
    for (const name of ['refreshed access token', 'refresh token']) {
      const value = secrets.get(name) ?? '';
      assert.ok(!stdout.includes(Buffer.from(value).toString('hex')), `${name} as hex`);
    }
  });

  it('when the logs are read, then none of the secrets appears, though the requests that carried them were logged', () => {
    const text = logs.text();
    assert.ok(logs.lines.length > 10, 'something was logged');
    assert.match(text, /request completed/);
    assert.match(text, /authentication failed/);
    assert.match(text, /LinkedIn authorization refused/);
    assert.deepEqual(found(text), []);
  });

  it('when the OAuth callback request is logged, then its method and URL are kept with code and state redacted', () => {
    const requests = logs.requests();
    const callback = requests.find((entry) => entry.url?.startsWith('/v1/oauth/linkedin/callback'));
    assert.ok(
      callback,
      `the callback request is in the access log: ${JSON.stringify(requests.slice(0, 3))}`,
    );
    assert.equal(callback.method, 'GET');
    assert.equal(typeof callback.statusCode, 'number');
    assert.match(callback.url ?? '', /code=\[Redacted\]/);
    assert.match(callback.url ?? '', /state=\[Redacted\]/);
  });

  it('when the workflow history is read, then it holds ids and hashes, never a token or key', async () => {
    const history = await stack.temporal.workflow
      .getHandle(contentWorkflowId(published[0] ?? '', 1))
      .fetchHistory();
    // Payloads are bytes: read them as text so a token inside one would show.
    const text = JSON.stringify(history, (_key, value: unknown) =>
      value instanceof Uint8Array ? Buffer.from(value).toString('utf8') : value,
    );
    assert.ok(text.includes(published[0] ?? ''), 'payloads were decoded');
    assert.ok(text.includes('publishToOutlet'));
    assert.deepEqual(found(text), []);
  });
});
