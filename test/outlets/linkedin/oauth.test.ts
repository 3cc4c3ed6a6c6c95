import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { createLinkedInClient } from '../../../outlets/linkedin';
import { startLinkedInStandIn, type StandIn } from '../../standin/linkedin';
import { authorizeRedirect, clientConfig, startHarness, type Harness } from './stand-in-setup';

const REFRESH_CLIENT = {
  clientId: 'partner-app',
  clientSecret: 'partner-secret',
  redirectUris: ['https://stargue.example/v1/oauth/linkedin/callback'],
  issueRefreshTokens: true,
};

describe('LinkedIn OAuth against the stand-in', () => {
  let harness: Harness;
  before(async () => {
    harness = await startHarness();
    await harness.standIn.registerClient(REFRESH_CLIENT);
  });
  after(() => harness.standIn.close());

  async function codeFor(scopes: string[], state = 'state-1'): Promise<string> {
    const location = await authorizeRedirect(harness.client.authorizationUrl({ state, scopes }));
    assert.equal(location.searchParams.get('state'), state);
    const code = location.searchParams.get('code');
    assert.ok(code, `no code in ${location.toString()}`);
    return code;
  }

  it('builds the documented authorization URL with space-separated scopes', () => {
    const url = harness.client.authorizationUrl({ state: 'abc', scopes: ['openid', 'profile'] });
    assert.equal(
      url,
      `${harness.standIn.url}/oauth/v2/authorization?response_type=code&client_id=stargue-dev` +
        `&redirect_uri=${encodeURIComponent(harness.config.redirectUri)}&state=abc&scope=openid%20profile`,
    );
  });

  it('when the member consents, then code → tokens → userinfo gives the person', async () => {
    const location = await authorizeRedirect(
      harness.client.authorizationUrl({
        state: 'flow',
        scopes: ['openid', 'profile', 'email', 'w_member_social'],
      }),
    );
    assert.equal(`${location.origin}${location.pathname}`, harness.config.redirectUri);
    const exchanged = await harness.client.exchangeCode(location.searchParams.get('code') ?? '');
    assert.ok(exchanged.ok, JSON.stringify(exchanged));
    const { tokens } = exchanged;
    assert.equal(tokens.expiresInSeconds, 5_183_999);
    assert.deepEqual(tokens.scopes, ['openid', 'profile', 'email', 'w_member_social']);
    assert.ok(tokens.accessToken.length >= 400, 'LinkedIn tokens are ~500 characters');
    assert.equal(tokens.refreshToken, undefined, 'self-serve apps get no refresh token');
    assert.match(tokens.idToken ?? '', /^[\w-]+\.[\w-]+\.[\w-]+$/);

    const me = await harness.client.userinfo(tokens.accessToken);
    assert.deepEqual(me, {
      ok: true,
      sub: harness.standIn.member.sub,
      name: 'Ada Editor',
      email: 'ada.editor@example.com',
      locale: 'en-US',
    });
    const created = await harness.client.createPost({
      accessToken: tokens.accessToken,
      author: `urn:li:person:${me.ok ? me.sub : ''}`,
      commentary: 'Connected through OAuth',
    });
    assert.equal(created.kind, 'created');
  });

  it('when a code is used twice, then the second exchange is refused', async () => {
    const code = await codeFor(['openid']);
    assert.equal((await harness.client.exchangeCode(code)).ok, true);
    assert.deepEqual(await harness.client.exchangeCode(code), {
      ok: false,
      error: {
        code: 'invalid_request',
        description: 'Unable to retrieve access token: authorization code not found',
        status: 400,
      },
    });
  });

  it('when the redirect_uri differs from the authorization, then the exchange is refused', async () => {
    await harness.standIn.registerClient({
      clientId: 'two-callbacks',
      clientSecret: 'two-secret',
      redirectUris: ['https://a.example/cb', 'https://b.example/cb'],
    });
    const first = createLinkedInClient(
      clientConfig(harness.standIn, {
        clientId: 'two-callbacks',
        clientSecret: 'two-secret',
        redirectUri: 'https://a.example/cb',
      }),
    );
    const second = createLinkedInClient(
      clientConfig(harness.standIn, {
        clientId: 'two-callbacks',
        clientSecret: 'two-secret',
        redirectUri: 'https://b.example/cb',
      }),
    );
    const location = await authorizeRedirect(
      first.authorizationUrl({ state: 's', scopes: ['openid'] }),
    );
    const result = await second.exchangeCode(location.searchParams.get('code') ?? '');
    assert.equal(result.ok, false);
    assert.match(
      result.ok ? '' : result.error.description,
      /^Unable to retrieve access token: appid\/redirect uri\/code verifier does not match/,
    );
  });

  it('when the client secret is wrong, then client authentication fails with 401', async () => {
    const wrong = createLinkedInClient(clientConfig(harness.standIn, { clientSecret: 'nope' }));
    const result = await wrong.exchangeCode(await codeFor(['openid']));
    assert.deepEqual(result, {
      ok: false,
      error: {
        code: 'invalid_client_id',
        description: 'Client authentication failed',
        status: 401,
      },
    });
  });

  it('when a required parameter is missing, then LinkedIn names it', async () => {
    const complete = {
      grant_type: 'authorization_code',
      code: 'some-code',
      redirect_uri: harness.config.redirectUri,
      client_id: harness.config.clientId,
      client_secret: harness.config.clientSecret,
    };
    for (const name of Object.keys(complete)) {
      const form = Object.fromEntries(Object.entries(complete).filter(([key]) => key !== name));
      const response = await fetch(`${harness.config.oauthBase}/accessToken`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(form).toString(),
      });
      assert.equal(response.status, 400);
      assert.deepEqual(await response.json(), {
        error: 'invalid_request',
        error_description: `A required parameter "${name}" is missing`,
      });
    }
  });

  it('when the token request is JSON, then LinkedIn reads no parameters', async () => {
    const response = await fetch(`${harness.config.oauthBase}/accessToken`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ grant_type: 'authorization_code' }),
    });
    assert.equal(response.status, 400);
    assert.equal(
      ((await response.json()) as { error_description: string }).error_description,
      'A required parameter "grant_type" is missing',
    );
  });

  it('when scopes are comma-separated in the authorization URL, then they are all granted', async () => {
    const url = new URL(`${harness.config.oauthBase}/authorization`);
    url.search = new URLSearchParams({
      response_type: 'code',
      client_id: harness.config.clientId,
      redirect_uri: harness.config.redirectUri,
      state: 'commas',
      scope: 'openid,profile,w_member_social',
    }).toString();
    const location = await authorizeRedirect(url.toString());
    const result = await harness.client.exchangeCode(location.searchParams.get('code') ?? '');
    assert.deepEqual(result.ok && result.tokens.scopes, ['openid', 'profile', 'w_member_social']);
  });

  for (const outcome of ['user_cancelled_login', 'user_cancelled_authorize'] as const) {
    it(`when the member answers ${outcome}, then the browser returns with that error and state`, async () => {
      await harness.standIn.setNextAuthorizationOutcome(outcome);
      const location = await authorizeRedirect(
        harness.client.authorizationUrl({ state: 'cancel', scopes: ['openid'] }),
      );
      assert.equal(location.searchParams.get('error'), outcome);
      assert.ok(location.searchParams.get('error_description'));
      assert.equal(location.searchParams.get('state'), 'cancel');
      assert.equal(location.searchParams.get('code'), null);
      // One-shot: the next authorization consents again.
      const next = await authorizeRedirect(
        harness.client.authorizationUrl({ state: 'again', scopes: ['openid'] }),
      );
      assert.ok(next.searchParams.get('code'));
    });
  }

  it('when a scope is not provisioned for the app, then the redirect carries unauthorized_scope_error', async () => {
    await harness.standIn.registerClient({
      clientId: 'sign-in-only',
      clientSecret: 'sign-in-secret',
      redirectUris: ['https://stargue.example/cb'],
      provisionedScopes: ['openid', 'profile', 'email'],
    });
    const signInOnly = createLinkedInClient(
      clientConfig(harness.standIn, {
        clientId: 'sign-in-only',
        clientSecret: 'sign-in-secret',
        redirectUri: 'https://stargue.example/cb',
      }),
    );
    const response = await fetch(
      signInOnly.authorizationUrl({ state: 'scoped', scopes: ['openid', 'r_liteprofile'] }),
      { redirect: 'manual' },
    );
    const location = response.headers.get('location') ?? '';
    assert.match(
      location,
      /error=unauthorized_scope_error&error_description=Scope\+%26quot%3Br_liteprofile%26quot%3B\+is\+not\+authorized\+for\+your\+application&state=scoped$/,
    );
  });

  it('when the redirect_uri or client_id is not registered, then LinkedIn shows its own page and does not redirect', async () => {
    const badRedirect = createLinkedInClient(
      clientConfig(harness.standIn, { redirectUri: 'https://evil.example/cb' }),
    );
    const response = await fetch(badRedirect.authorizationUrl({ state: 's', scopes: ['openid'] }), {
      redirect: 'manual',
    });
    assert.equal(response.status, 400);
    assert.equal(response.headers.get('location'), null);
    assert.match(await response.text(), /The redirect_uri does not match the registered value/);

    const badClient = createLinkedInClient(clientConfig(harness.standIn, { clientId: 'unknown' }));
    const unknown = await fetch(badClient.authorizationUrl({ state: 's', scopes: ['openid'] }), {
      redirect: 'manual',
    });
    assert.equal(unknown.status, 400);
    assert.equal(unknown.headers.get('location'), null);
  });

  it('when the app has no refresh tokens, then none is issued and refreshing fails', async () => {
    const result = await harness.client.refresh('AQ-not-a-refresh-token');
    assert.deepEqual(result, {
      ok: false,
      error: {
        code: 'invalid_request',
        description:
          'The provided authorization grant or refresh token is invalid, expired or revoked',
        status: 400,
      },
    });
  });

  it('when the app gets refresh tokens, then refresh issues a working token and keeps the expiry', async () => {
    const partner = createLinkedInClient(
      clientConfig(harness.standIn, {
        clientId: REFRESH_CLIENT.clientId,
        clientSecret: REFRESH_CLIENT.clientSecret,
        redirectUri: REFRESH_CLIENT.redirectUris[0],
      }),
    );
    const location = await authorizeRedirect(
      partner.authorizationUrl({ state: 'p', scopes: ['openid', 'w_member_social'] }),
    );
    const first = await partner.exchangeCode(location.searchParams.get('code') ?? '');
    assert.ok(first.ok);
    assert.ok(first.tokens.refreshToken);
    assert.equal(first.tokens.refreshTokenExpiresInSeconds, 31_535_999);

    const refreshed = await partner.refresh(first.tokens.refreshToken);
    assert.ok(refreshed.ok, JSON.stringify(refreshed));
    assert.notEqual(refreshed.tokens.accessToken, first.tokens.accessToken);
    assert.equal(refreshed.tokens.refreshToken, first.tokens.refreshToken);
    assert.ok((refreshed.tokens.refreshTokenExpiresInSeconds ?? Infinity) <= 31_535_999);
    assert.deepEqual(refreshed.tokens.scopes, ['openid', 'w_member_social']);
    assert.equal((await partner.userinfo(refreshed.tokens.accessToken)).ok, true);

    await harness.standIn.revokeToken(first.tokens.refreshToken);
    const revoked = await partner.refresh(first.tokens.refreshToken);
    assert.equal(revoked.ok ? 'ok' : revoked.error.code, 'invalid_request');
  });

  it('when the member re-consents with other scopes, then earlier access tokens are revoked', async () => {
    const before = await harness.client.exchangeCode(await codeFor(['openid']));
    assert.ok(before.ok);
    assert.equal((await harness.client.userinfo(before.tokens.accessToken)).ok, true);
    await codeFor(['openid', 'w_member_social']);
    assert.deepEqual(await harness.client.userinfo(before.tokens.accessToken), {
      ok: false,
      failure: { kind: 'unauthorized', reason: 'revoked' },
    });
  });

  it('when the token lacks openid, then userinfo is forbidden', async () => {
    const token = await harness.standIn.issueToken({ scopes: ['w_member_social'] });
    assert.deepEqual(await harness.client.userinfo(token.accessToken), {
      ok: false,
      failure: { kind: 'forbidden', permission: 'userinfo.GET.NO_VERSION' },
    });
  });

  it('when the token expired, then userinfo says so', async () => {
    const token = await harness.standIn.issueToken({ scopes: ['openid'] });
    await harness.standIn.expireToken(token.accessToken);
    assert.deepEqual(await harness.client.userinfo(token.accessToken), {
      ok: false,
      failure: { kind: 'unauthorized', reason: 'expired' },
    });
  });
});

describe('authorization codes expire', () => {
  let standIn: StandIn;
  before(async () => {
    standIn = await startLinkedInStandIn({ authorizationCodeTtlMs: 50 });
  });
  after(() => standIn.close());

  it('when a code is exchanged after its lifetime, then LinkedIn refuses it', async () => {
    const client = createLinkedInClient(clientConfig(standIn));
    const location = await authorizeRedirect(
      client.authorizationUrl({ state: 's', scopes: ['openid'] }),
    );
    await delay(80);
    const result = await client.exchangeCode(location.searchParams.get('code') ?? '');
    assert.match(result.ok ? '' : result.error.description, /Or authorization code expired/);
  });
});
