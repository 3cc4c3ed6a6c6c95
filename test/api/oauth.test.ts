import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { openAccessToken } from '../../outlets/linkedin/accounts';
import { vaultFrom } from '../../platform/crypto/keyring';
import { createKeys, type Keys } from '../helpers/api';
import { startStack, type Stack } from '../helpers/stack';
import {
  CALLBACK_PATH,
  connectViaOAuth,
  startOAuthApp,
  visit,
  type OAuthApp,
} from '../outlets/linkedin/pipeline';

const sha256 = (value: string) => createHash('sha256').update(value, 'utf8').digest('hex');

describe('LinkedIn OAuth over real HTTP against the stand-in', () => {
  let stack: Stack;
  let oauth: OAuthApp;
  let keys: Keys;

  before(async () => {
    stack = await startStack({ connectAccount: false });
    oauth = await startOAuthApp(stack);
    keys = await createKeys(stack);
  });
  after(async () => {
    await oauth.close();
    await stack.close();
  });

  const authorize = (key = keys.operator) =>
    visit(`${oauth.baseUrl}/v1/oauth/linkedin/authorize`, { authorization: `Bearer ${key}` });

  /** Every stored token row as text, to prove a refused callback changed nothing. */
  const tokenRows = async () =>
    JSON.stringify(
      await stack.db
        .$queryRaw`SELECT id, key_id, encode(access_ciphertext, 'hex') AS c, status, updated_at FROM linkedin_tokens ORDER BY id`,
    );

  const setOrganizationFlag = async (enabled: boolean) => {
    await stack.db.outletFeatureFlag.upsert({
      where: { outlet_flag: { outlet: 'linkedin', flag: 'organization_posting' } },
      create: { outlet: 'linkedin', flag: 'organization_posting', enabled, updatedBy: 'test' },
      update: { enabled, updatedBy: 'test' },
    });
  };

  const expectRefused = async (
    round: { status: number; json: Record<string, unknown> },
    before: string,
    message: RegExp,
  ) => {
    assert.equal(round.status, 400, JSON.stringify(round.json));
    assert.equal(round.json.error, 'OAUTH_FAILED');
    assert.match(String(round.json.message), message);
    assert.equal(await tokenRows(), before, 'a refused callback stores nothing');
  };

  it('when the stand-in registers our callback, then its redirect URI equals LINKEDIN_REDIRECT_URI', () => {
    assert.equal(oauth.config.LINKEDIN_REDIRECT_URI, `${oauth.baseUrl}${CALLBACK_PATH}`);
  });

  it('when an operator starts the flow, then 302 to LinkedIn with code, client id, exact redirect URI, a 256-bit state and the member scopes', async () => {
    const first = await authorize();
    assert.equal(first.status, 302);
    const url = first.location;
    assert.ok(url);
    assert.equal(`${url.origin}${url.pathname}`, `${stack.standIn.url}/oauth/v2/authorization`);
    assert.equal(url.searchParams.get('response_type'), 'code');
    assert.equal(url.searchParams.get('client_id'), oauth.clientId);
    assert.equal(url.searchParams.get('redirect_uri'), oauth.config.LINKEDIN_REDIRECT_URI);
    assert.deepEqual((url.searchParams.get('scope') ?? '').split(' '), [
      'openid',
      'profile',
      'w_member_social',
    ]);
    const state = url.searchParams.get('state') ?? '';
    assert.match(state, /^[A-Za-z0-9_-]+$/);
    assert.ok(Buffer.from(state, 'base64url').length * 8 >= 128, 'state carries ≥ 128 bits');

    const second = await authorize();
    assert.notEqual(second.location?.searchParams.get('state'), state, 'a fresh state each time');

    // Stored hashed, bound to the operator's key, short-lived; never in plain text.
    const row = await stack.db.oauthState.findUniqueOrThrow({
      where: { stateHash: sha256(state) },
    });
    const operator = await stack.db.apiKey.findFirstOrThrow({ where: { role: 'operator' } });
    assert.equal(row.apiKeyId, operator.id);
    assert.equal(row.usedAt, null);
    assert.ok(row.expiresAt.getTime() - Date.now() <= 10 * 60_000);
    assert.ok(row.expiresAt.getTime() > Date.now());
    const plain = await stack.db.$queryRaw<
      { n: bigint }[]
    >`SELECT count(*) AS n FROM oauth_states WHERE state_hash = ${state}`;
    assert.equal(Number(plain[0]?.n), 0);
  });

  it('when another role or no key asks to start the flow, then 403 or 401 and no state is made', async () => {
    const states = await stack.db.oauthState.count();
    const editor = await authorize(keys.editor);
    assert.equal(editor.status, 403);
    const anonymous = await visit(`${oauth.baseUrl}/v1/oauth/linkedin/authorize`);
    assert.equal(anonymous.status, 401);
    assert.equal(await stack.db.oauthState.count(), states);
  });

  it('when the organization_posting flag is enabled, then w_organization_social is requested too, and only then', async () => {
    try {
      await setOrganizationFlag(true);
      const on = await authorize();
      assert.deepEqual((on.location?.searchParams.get('scope') ?? '').split(' '), [
        'openid',
        'profile',
        'w_member_social',
        'w_organization_social',
      ]);
      await setOrganizationFlag(false);
      const off = await authorize();
      assert.doesNotMatch(off.location?.searchParams.get('scope') ?? '', /organization/);
    } finally {
      await setOrganizationFlag(false);
    }
  });

  it('when the browser follows LinkedIn back to our callback, then the account is connected, sealed and audited', async () => {
    const round = await connectViaOAuth(oauth, keys.operator);
    assert.equal(
      `${round.callback.origin}${round.callback.pathname}`,
      oauth.config.LINKEDIN_REDIRECT_URI,
    );
    assert.equal(round.callback.searchParams.get('state'), round.state);
    assert.ok(round.callback.searchParams.get('code'), 'LinkedIn sent a code');
    assert.equal(round.status, 200, JSON.stringify(round.json));
    const member = stack.standIn.member;
    assert.equal(round.json.connected, true);
    assert.equal(round.json.memberUrn, `urn:li:person:${member.sub}`);
    assert.equal(round.json.name, member.name);
    assert.deepEqual(round.json.scopes, ['openid', 'profile', 'w_member_social']);

    const row = await stack.db.linkedinToken.findUniqueOrThrow({
      where: { id: String(round.json.accountId) },
    });
    assert.equal(row.status, 'active');
    assert.equal(row.keyId, stack.config.TOKEN_ENCRYPTION_KEY_ID);
    assert.equal(row.accessNonce.length, 24);
    const token = openAccessToken(vaultFrom(stack.config), row);
    assert.ok(token.length >= 100, 'a LinkedIn-sized token was stored');
    assert.equal(Buffer.from(row.accessCiphertext).indexOf(token), -1);
    const asText = await stack.db.$queryRaw<
      { t: string }[]
    >`SELECT row_to_json(l)::text AS t FROM linkedin_tokens l WHERE id = ${row.id}`;
    assert.ok(!asText[0]?.t.includes(token), 'no column holds the token in plain text');
    // The stored token is the one LinkedIn issued: it works.
    const me = await oauth.client.userinfo(token);
    assert.ok(me.ok && me.sub === member.sub);

    const state = await stack.db.oauthState.findUniqueOrThrow({
      where: { stateHash: sha256(round.state) },
    });
    assert.ok(state.usedAt, 'the state is spent');
    const audit = await stack.db.audit.findFirst({
      where: { action: 'linkedin.connected', subject: row.id },
      orderBy: { id: 'desc' },
    });
    assert.ok(audit, 'the connection is audited');
    const operator = await stack.db.apiKey.findFirstOrThrow({ where: { role: 'operator' } });
    assert.equal(audit.actor, operator.name);
    assert.ok(!JSON.stringify(audit.details).includes(token));
  });

  it('when the state is forged, then 400 OAUTH_FAILED and nothing is stored, even with a valid code', async () => {
    const before = await tokenRows();
    const round = await connectViaOAuth(oauth, keys.operator, (callback) => {
      const forged = new URL(callback);
      forged.searchParams.set('state', Buffer.alloc(32, 7).toString('base64url'));
      return forged;
    });
    await expectRefused(round, before, /state is not valid \(unknown state\)/);
    const refused = await stack.db.audit.findFirst({
      where: { action: 'linkedin.authorize_refused', reason: 'unknown state' },
    });
    assert.ok(refused, 'the refusal is audited');
  });

  it('when the callback has no state, then 400 OAUTH_FAILED and nothing is stored', async () => {
    const before = await tokenRows();
    const round = await connectViaOAuth(oauth, keys.operator, (callback) => {
      const stripped = new URL(callback);
      stripped.searchParams.delete('state');
      return stripped;
    });
    await expectRefused(round, before, /no state/);
  });

  it('when a used state comes back with a fresh valid code, then 400 OAUTH_FAILED and nothing is stored', async () => {
    const first = await connectViaOAuth(oauth, keys.operator);
    assert.equal(first.status, 200, JSON.stringify(first.json));
    const before = await tokenRows();
    // LinkedIn gives a new code for the same state: only our single-use check can refuse it.
    const again = await visit(first.authorization.toString());
    assert.ok(again.location?.searchParams.get('code'));
    assert.equal(again.location?.searchParams.get('state'), first.state);
    const replay = await visit(again.location.toString());
    await expectRefused(
      { status: replay.status, json: JSON.parse(replay.body) as Record<string, unknown> },
      before,
      /state already used/,
    );
  });

  it('when the state has expired, then 400 OAUTH_FAILED and nothing is stored', async () => {
    const before = await tokenRows();
    const round = await connectViaOAuth(oauth, keys.operator, async (callback, state) => {
      await stack.db
        .$executeRaw`UPDATE oauth_states SET created_at = now() - interval '11 minutes', expires_at = now() - interval '1 minute' WHERE state_hash = ${sha256(state)}`;
      return callback;
    });
    await expectRefused(round, before, /state expired/);
  });

  for (const [outcome, message] of [
    ['user_cancelled_login', /sign-in was cancelled/],
    ['user_cancelled_authorize', /consent was declined/],
    ['unauthorized_scope_error', /not allowed one of the requested scopes/],
  ] as const) {
    it(`when LinkedIn redirects back with ${outcome}, then 400 with a clear message and nothing is stored`, async () => {
      const before = await tokenRows();
      await stack.standIn.setNextAuthorizationOutcome(outcome);
      const round = await connectViaOAuth(oauth, keys.operator);
      assert.equal(round.callback.searchParams.get('error'), outcome);
      assert.equal(round.callback.searchParams.get('code'), null);
      await expectRefused(round, before, message);
      assert.doesNotMatch(String(round.json.message), /&quot;|<|stack/);
    });
  }

  it('when the operator key is revoked between authorize and callback, then 400 OAUTH_FAILED and nothing is stored', async () => {
    const { createApiKey, revokeApiKey } = await import('../../platform/api-keys');
    const name = `operator-${Date.now()}`;
    const { key } = await createApiKey(stack.db, name, 'operator');
    const before = await tokenRows();
    const round = await connectViaOAuth(oauth, key, async (callback) => {
      await revokeApiKey(stack.db, name);
      return callback;
    });
    await expectRefused(round, before, /no longer allowed/);
  });
});
