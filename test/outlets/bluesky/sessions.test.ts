import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { BLUESKY_POST_COLLECTION } from '../../../contracts/bluesky';
import {
  startBlueskyNetwork,
  type BlueskyNetwork,
  type TestAccount,
} from '../../helpers/bluesky-network';
import {
  logLines,
  marker,
  openSession,
  payloadFor,
  testChannel,
  testOutlet,
  type TestChannel,
} from './setup';

const CREATE_SESSION = 'com.atproto.server.createSession';
const REFRESH_SESSION = 'com.atproto.server.refreshSession';
const CREATE = 'com.atproto.repo.createRecord';

describe('Bluesky outlet against the reference PDS: app-password sessions', () => {
  let net: BlueskyNetwork;
  let alice: TestAccount;
  const outlet = testOutlet();

  before(async () => {
    net = await startBlueskyNetwork();
    alice = await net.createAccount('alice');
  });
  after(() => net?.close());

  /** Opens the channel (as each publish activity does) and creates one post. */
  async function publish(channel: TestChannel, prefix: string) {
    const payload = await payloadFor(outlet, channel, marker(prefix));
    const opened = await outlet.open(channel.channel);
    if (!opened.ok) return { opened, key: undefined };
    const key = outlet.newPublicationKey();
    return { opened, key, outcome: await opened.session.create(key, payload) };
  }

  it('when a channel publishes many times, each time opened afresh, then it signs in once and reuses the stored session', async () => {
    const channel = testChannel(net.serviceUrl, alice);
    const since = net.proxy.mark();
    for (let i = 0; i < 5; i++) {
      const { outcome } = await publish(channel, `Reused ${i}`);
      assert.equal(outcome?.kind, 'created', JSON.stringify(outcome));
    }
    assert.equal(net.proxy.count(CREATE_SESSION, since), 1);
    assert.equal(net.proxy.count(REFRESH_SESSION, since), 0);
    assert.equal(net.proxy.count(CREATE, since), 5);
    assert.equal(channel.storedSession()?.did, alice.did);
  });

  it('when the stored access token has expired, then the session is refreshed once, stored, and the create goes through without a sign-in', async () => {
    const channel = testChannel(net.serviceUrl, alice);
    await openSession(outlet, channel);
    const signedIn = channel.storedSession()!;
    const expired = net.expire(signedIn.accessJwt);
    await channel.storeSession({ ...signedIn, accessJwt: expired });

    const since = net.proxy.mark();
    const first = await publish(channel, 'After expiry');
    assert.equal(first.outcome?.kind, 'created', JSON.stringify(first.outcome));
    const second = await publish(channel, 'With the refreshed session');
    assert.equal(second.outcome?.kind, 'created', JSON.stringify(second.outcome));

    assert.equal(net.proxy.count(REFRESH_SESSION, since), 1);
    assert.equal(net.proxy.count(CREATE_SESSION, since), 0);
    // The refused create (ExpiredToken), its re-send, and the second post.
    assert.deepEqual(
      net.proxy
        .requests()
        .slice(since)
        .filter((request) => request.nsid === CREATE)
        .map((request) => request.outcome),
      [400, 200, 200],
    );
    const refreshed = channel.storedSession()!;
    // Stored: the next opening used the new tokens (one refresh in all, asserted above).
    assert.notEqual(refreshed.accessJwt, expired);
    assert.notEqual(refreshed.refreshJwt, signedIn.refreshJwt);
  });

  it('when the refresh token is refused too, then the channel signs in again with its app password, once', async () => {
    const channel = testChannel(net.serviceUrl, alice);
    await openSession(outlet, channel);
    const signedIn = channel.storedSession()!;
    await channel.storeSession({
      ...signedIn,
      accessJwt: net.expire(signedIn.accessJwt),
      refreshJwt: net.expire(signedIn.refreshJwt),
    });

    const since = net.proxy.mark();
    const { outcome } = await publish(channel, 'After both expired');
    assert.equal(outcome?.kind, 'created', JSON.stringify(outcome));
    assert.equal(net.proxy.count(REFRESH_SESSION, since), 1);
    assert.equal(net.proxy.count(CREATE_SESSION, since), 1);
  });

  it('when the app password is refused, then the channel needs re-authorization, is marked, and no post is attempted', async () => {
    const channel = testChannel(net.serviceUrl, alice, { appPassword: 'wrong-pass-word-here' });
    const since = net.proxy.mark();
    const { opened } = await publish(channel, 'Wrong password');
    assert.equal(opened.ok, false);
    assert.match(!opened.ok ? opened.message : '', /refused the app password for alice\.test/);
    assert.match(channel.holder.current()?.reauthReason ?? '', /AuthenticationRequired/);

    // Marked: the next publish does not even try to sign in (createSession is rate limited).
    const again = await outlet.open(channel.channel);
    assert.equal(again.ok, false);
    assert.equal(net.proxy.count(CREATE_SESSION, since), 1);
    assert.equal(net.proxy.count(CREATE, since), 0);
  });

  it('when the app password was revoked and the access token expires, then the create ends in reauth_required and nothing is posted', async () => {
    const carol = await net.createAccount('carol');
    const channel = testChannel(net.serviceUrl, carol);
    const payload = await payloadFor(outlet, channel, marker('Revoked'));
    const session = await openSession(outlet, channel);
    await net.revokeAppPasswords(carol);
    const signedIn = channel.storedSession()!;
    await channel.storeSession({ ...signedIn, accessJwt: net.expire(signedIn.accessJwt) });

    const reopened = await openSession(outlet, channel);
    const key = outlet.newPublicationKey();
    const outcome = await reopened.create(key, payload);
    assert.equal(outcome.kind, 'reauth_required', JSON.stringify(outcome));
    assert.match(channel.holder.current()?.reauthReason ?? '', /refused the app password/);
    assert.equal(await net.readRecord(carol.did, BLUESKY_POST_COLLECTION, key), null);
    assert.equal(session.accountId, carol.did);
  });

  it('when sessions are stored and logged, then no app password or token is ever in clear', () => {
    const secrets = [alice.appPassword];
    for (const line of logLines) {
      for (const secret of secrets) assert.ok(!line.includes(secret), line);
      assert.doesNotMatch(line, /eyJ[\w-]{10,}/, 'no JWT in the logs');
    }
    assert.ok(logLines.some((line) => line.includes('Bluesky session refreshed')));
  });

  it('when a channel is stored, then its holder has the secrets sealed only', async () => {
    const channel = testChannel(net.serviceUrl, alice);
    await openSession(outlet, channel);
    const session = channel.storedSession()!;
    const rest = JSON.stringify(channel.holder.written, (_key, value: unknown) =>
      value instanceof Uint8Array ? Buffer.from(value).toString('latin1') : value,
    );
    for (const secret of [alice.appPassword, session.accessJwt, session.refreshJwt]) {
      assert.ok(!rest.includes(secret));
    }
    assert.ok(rest.includes(alice.handle), 'the identifier itself is not secret');
  });
});
