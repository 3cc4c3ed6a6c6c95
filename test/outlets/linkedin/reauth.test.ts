import assert from 'node:assert/strict';
import { setTimeout as delay } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { contentWorkflowId } from '../../../contracts/ids';
import type { ContentState } from '../../../contracts/workflow';
import { saveAccount } from '../../../outlets/linkedin/accounts';
import { vaultFrom } from '../../../platform/crypto/keyring';
import { accountReconnectedSignal } from '../../../workflows/content/definitions';
import { createKeys, type Keys } from '../../helpers/api';
import { eventually, startStack, type Stack } from '../../helpers/stack';
import {
  approve,
  connectViaOAuth,
  createRequestsSince,
  ledgerFor,
  reaches,
  startOAuthApp,
  startWorkerWith,
  storedTokens,
  submitItem,
  type OAuthApp,
  type Submitted,
} from './pipeline';

const SCOPES = ['openid', 'profile', 'w_member_social'];
const REAUTH = 'LinkedIn account must be re-authorized';

const parkedForReauth = (s: ContentState) =>
  s.status === 'halted' && s.halt?.reason === 'reauth_required';

/** The item parks for re-authorization: halted (not failed), nothing posted, the account marked. */
async function expectParked(stack: Stack, item: Submitted, accountId: string) {
  const parked = await reaches(stack, item.id, parkedForReauth);
  assert.ok(parked.halt?.message.includes(REAUTH), parked.halt?.message);
  assert.equal(parked.lastError, null, 'not a failure');
  assert.deepEqual(parked.publications, []);
  assert.equal((await ledgerFor(stack, item.marker)).length, 0);
  const account = await stack.db.linkedinToken.findUniqueOrThrow({ where: { id: accountId } });
  assert.equal(account.status, 'reauth_required');
  const pub = await stack.db.publication.findFirst({ where: { contentId: item.id } });
  assert.notEqual(pub?.state, 'failed');
  assert.notEqual(pub?.state, 'confirmed');
  // It waits for the operator instead of retrying: still parked a moment later.
  await delay(1_500);
  assert.ok(parkedForReauth(await reaches(stack, item.id, () => true)));
}

/** Exactly one post, recorded in `publications` and in the workflow. */
async function expectPublishedOnce(stack: Stack, item: Submitted) {
  const done = await reaches(stack, item.id, 'published');
  const ledger = await ledgerFor(stack, item.marker);
  assert.equal(ledger.length, 1);
  assert.equal(done.publications[0]?.postUrn, ledger[0]?.urn);
  const pub = await stack.db.publication.findFirstOrThrow({ where: { contentId: item.id } });
  assert.equal(pub.state, 'confirmed');
  assert.equal(pub.postUrn, ledger[0]?.urn);
  return done;
}

/** What `resumeParkedItems` does after a connect, aimed at one item: find it parked, signal it. */
async function signalReconnected(stack: Stack, id: string): Promise<void> {
  const workflowId = contentWorkflowId(id, 1);
  const query = `WorkflowId = '${workflowId}' AND ExecutionStatus = 'Running' AND HaltReason = 'reauth_required'`;
  await eventually(
    async () => {
      for await (const wf of stack.temporal.workflow.list({ query })) {
        await stack.temporal.workflow
          .getHandle(wf.workflowId, wf.runId)
          .signal(accountReconnectedSignal);
        return true;
      }
      return undefined;
    },
    10_000,
    'the parked item to be listed by HaltReason',
  );
}

describe('re-authorization when LinkedIn gives no refresh token (self-serve app)', () => {
  let stack: Stack;
  let oauth: OAuthApp;
  let keys: Keys;

  before(async () => {
    stack = await startStack({ scopes: SCOPES });
    oauth = await startOAuthApp(stack);
    keys = await createKeys(stack);
    await startWorkerWith(stack, { client: oauth.client });
  });
  after(async () => {
    await oauth.close();
    await stack.close();
  });

  it('when the access token has expired at LinkedIn, then the item halts for re-auth, and after the operator reconnects through OAuth it publishes once by itself', async () => {
    const { accessToken, refreshToken } = await storedTokens(stack, stack.accountId);
    assert.equal(refreshToken, null);
    await stack.standIn.expireToken(accessToken);
    const item = await submitItem(stack, 'expired');
    const since = Date.now();
    await approve(stack, item.id);
    await expectParked(stack, item, stack.accountId);
    const audit = await stack.db.audit.findFirst({
      where: { action: 'linkedin.reauth_required', subject: stack.accountId },
    });
    assert.ok(audit, 'the account change is audited');
    assert.equal((await createRequestsSince(stack, since)).length, 1, 'one refused create');

    const round = await connectViaOAuth(oauth, keys.operator);
    assert.equal(round.status, 200, JSON.stringify(round.json));
    assert.equal(round.json.accountId, stack.accountId, 'the same member reconnected');
    assert.ok(Number(round.json.resumed) >= 1, 'the parked item was told');
    await expectPublishedOnce(stack, item);
    const creates = await createRequestsSince(stack, since);
    assert.equal(creates.length, 2, 'one refused, one accepted');
    const account = await stack.db.linkedinToken.findUniqueOrThrow({
      where: { id: stack.accountId },
    });
    assert.equal(account.status, 'active');
  });

  it('when the token was revoked by the member, then the item halts for re-auth, and after saveAccount + accountReconnected it publishes once', async () => {
    const { accessToken } = await storedTokens(stack, stack.accountId);
    await stack.standIn.revokeToken(accessToken);
    const item = await submitItem(stack, 'revoked');
    await approve(stack, item.id);
    await expectParked(stack, item, stack.accountId);

    const fresh = await stack.standIn.issueToken({ scopes: SCOPES });
    await saveAccount(stack.db, vaultFrom(stack.config), {
      sub: stack.standIn.member.sub,
      name: stack.standIn.member.name,
      tokens: { accessToken: fresh.accessToken, expiresInSeconds: 5_183_999, scopes: SCOPES },
      connectedBy: 'operator',
    });
    await signalReconnected(stack, item.id);
    await expectPublishedOnce(stack, item);
  });

  it('when our own record says the token expired and there is no refresh token, then the item halts without calling LinkedIn, and resumes once reconnected', async () => {
    await stack.db.linkedinToken.update({
      where: { id: stack.accountId },
      data: { accessExpiresAt: new Date(Date.now() - 1_000) },
    });
    const item = await submitItem(stack, 'stale');
    const since = Date.now();
    await approve(stack, item.id);
    await expectParked(stack, item, stack.accountId);
    assert.equal((await createRequestsSince(stack, since)).length, 0, 'nothing sent');

    const round = await connectViaOAuth(oauth, keys.operator);
    assert.equal(round.status, 200, JSON.stringify(round.json));
    await expectPublishedOnce(stack, item);
  });

  it('when the stored token cannot be opened (a flipped bit), then the item halts for re-auth instead of failing, and publishes once after an OAuth reconnect', async () => {
    await stack.db
      .$executeRaw`UPDATE linkedin_tokens SET access_ciphertext = set_byte(access_ciphertext, 0, get_byte(access_ciphertext, 0) # 1) WHERE id = ${stack.accountId}`;
    const item = await submitItem(stack, 'tampered');
    const since = Date.now();
    await approve(stack, item.id);
    const parked = await reaches(stack, item.id, parkedForReauth, 15_000);
    assert.ok(parked.halt?.message.includes(REAUTH), parked.halt?.message);
    assert.match(parked.halt?.message ?? '', /TAMPERED/);
    assert.equal((await createRequestsSince(stack, since)).length, 0, 'nothing sent');

    const round = await connectViaOAuth(oauth, keys.operator);
    assert.equal(round.status, 200, JSON.stringify(round.json));
    await expectPublishedOnce(stack, item);
  });
});

describe('re-authorization when LinkedIn issues refresh tokens (partner app)', () => {
  let stack: Stack;
  let oauth: OAuthApp;
  let keys: Keys;
  let accountId: string;

  before(async () => {
    stack = await startStack({ connectAccount: false });
    oauth = await startOAuthApp(stack, { issueRefreshTokens: true });
    keys = await createKeys(stack);
    await startWorkerWith(stack, { client: oauth.client });
    const round = await connectViaOAuth(oauth, keys.operator);
    assert.equal(round.status, 200, JSON.stringify(round.json));
    accountId = String(round.json.accountId);
  });
  after(async () => {
    await oauth.close();
    await stack.close();
  });

  const refreshCallsSince = async (since: number) =>
    (await stack.standIn.requests()).filter(
      (r) => r.method === 'POST' && r.path === '/oauth/v2/accessToken' && r.at >= since,
    );

  it('when the access token has expired, then it is refreshed once and the item publishes once', async () => {
    const before = await storedTokens(stack, accountId);
    assert.ok(before.refreshToken, 'the OAuth grant stored a refresh token');
    await stack.standIn.expireToken(before.accessToken);
    const item = await submitItem(stack, 'refresh');
    const since = Date.now();
    await approve(stack, item.id);
    const done = await expectPublishedOnce(stack, item);
    assert.equal(done.publications[0]?.resolution, 'created');
    assert.equal((await refreshCallsSince(since)).length, 1, 'one refresh');
    assert.equal((await createRequestsSince(stack, since)).length, 2, '401, then 201');
    const after = await storedTokens(stack, accountId);
    assert.notEqual(after.accessToken, before.accessToken);
    assert.ok(after.refreshToken, 'the refresh token is kept');
    const refreshed = await stack.db.audit.findFirst({
      where: { action: 'linkedin.token_refreshed', subject: accountId },
    });
    assert.ok(refreshed, 'the refresh is audited');
  });

  it('when two items meet the same expired token at once, then LinkedIn sees one refresh and each item posts once', async () => {
    const { accessToken } = await storedTokens(stack, accountId);
    await stack.standIn.expireToken(accessToken);
    const items = [await submitItem(stack, 'pair-a'), await submitItem(stack, 'pair-b')];
    const since = Date.now();
    await Promise.all(items.map((item) => approve(stack, item.id)));
    for (const item of items) await expectPublishedOnce(stack, item);
    assert.equal((await refreshCallsSince(since)).length, 1, 'serialized per account');
  });

  it('when a later grant carries no refresh token, then the stored refresh token is never overwritten with an empty one', async () => {
    const before = await storedTokens(stack, accountId);
    const row = await stack.db.linkedinToken.findUniqueOrThrow({ where: { id: accountId } });
    assert.ok(before.refreshToken);
    const vault = vaultFrom(stack.config);
    for (const refreshToken of [undefined, '']) {
      const fresh = await stack.standIn.issueToken({ scopes: SCOPES });
      await saveAccount(stack.db, vault, {
        sub: stack.standIn.member.sub,
        name: stack.standIn.member.name,
        tokens: {
          accessToken: fresh.accessToken,
          expiresInSeconds: 5_183_999,
          scopes: SCOPES,
          ...(refreshToken === undefined ? {} : { refreshToken }),
        },
        connectedBy: 'operator',
      });
      const after = await storedTokens(stack, accountId);
      assert.equal(after.accessToken, fresh.accessToken);
      assert.equal(after.refreshToken, before.refreshToken);
    }
    const kept = await stack.db.linkedinToken.findUniqueOrThrow({ where: { id: accountId } });
    assert.deepEqual(kept.refreshExpiresAt, row.refreshExpiresAt, 'its expiry is kept too');
  });

  it('when the stored access token cannot be opened but a refresh token can, then one refresh heals the row and the item publishes once', async () => {
    await stack.db
      .$executeRaw`UPDATE linkedin_tokens SET access_ciphertext = set_byte(access_ciphertext, 5, get_byte(access_ciphertext, 5) # 16) WHERE id = ${accountId}`;
    const item = await submitItem(stack, 'heal');
    const since = Date.now();
    await approve(stack, item.id);
    await expectPublishedOnce(stack, item);
    assert.equal((await refreshCallsSince(since)).length, 1);
    const healed = await storedTokens(stack, accountId);
    assert.ok(healed.accessToken.length > 100, 'the row opens again');
  });

  it('when a new refresh token comes without an expiry, then the old token’s expiry is not carried over to it and it is used', async () => {
    const { refreshToken } = await storedTokens(stack, accountId);
    assert.ok(refreshToken);
    // The previous grant's refresh token has run out…
    await stack.db.linkedinToken.update({
      where: { id: accountId },
      data: { refreshExpiresAt: new Date(Date.now() - 60_000) },
    });
    // …and a grant arrives with a (here: still valid) refresh token but no refresh_token_expires_in.
    const fresh = await stack.standIn.issueToken({ scopes: SCOPES });
    await saveAccount(stack.db, vaultFrom(stack.config), {
      sub: stack.standIn.member.sub,
      name: stack.standIn.member.name,
      tokens: {
        accessToken: fresh.accessToken,
        expiresInSeconds: 5_183_999,
        scopes: SCOPES,
        refreshToken,
      },
      connectedBy: 'operator',
    });
    const row = await stack.db.linkedinToken.findUniqueOrThrow({ where: { id: accountId } });
    assert.equal(row.refreshExpiresAt, null, 'unknown, not the old date');
    await stack.standIn.expireToken(fresh.accessToken);
    const item = await submitItem(stack, 'new-refresh');
    const since = Date.now();
    await approve(stack, item.id);
    await expectPublishedOnce(stack, item);
    assert.equal((await refreshCallsSince(since)).length, 1);
  });

  it('when the access token has expired and the refresh token is revoked, then the item halts for re-auth, keeps the refresh row, and publishes once after an OAuth reconnect', async () => {
    const { accessToken, refreshToken } = await storedTokens(stack, accountId);
    assert.ok(refreshToken);
    await stack.standIn.expireToken(accessToken);
    await stack.standIn.revokeToken(refreshToken);
    const item = await submitItem(stack, 'refresh-revoked');
    await approve(stack, item.id);
    await expectParked(stack, item, accountId);
    const parkedRow = await stack.db.linkedinToken.findUniqueOrThrow({ where: { id: accountId } });
    assert.ok(parkedRow.refreshCiphertext, 'a failed refresh erases nothing');

    const round = await connectViaOAuth(oauth, keys.operator);
    assert.equal(round.status, 200, JSON.stringify(round.json));
    await expectPublishedOnce(stack, item);
    const after = await storedTokens(stack, accountId);
    assert.ok(after.refreshToken && after.refreshToken !== refreshToken, 'the new grant’s token');
  });
});
