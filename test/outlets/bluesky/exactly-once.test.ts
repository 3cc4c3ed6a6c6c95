import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { BLUESKY_POST_COLLECTION } from '../../../contracts/bluesky';
import { FailureType } from '../../../contracts/workflow';
import type { BlueskyPayload } from '../../../outlets/bluesky';
import type { ChannelSession, CreateResult } from '../../../outlets/outlet-v2';
import { eventually } from '../../helpers/eventually';
import {
  startBlueskyNetwork,
  type BlueskyNetwork,
  type TestAccount,
} from '../../helpers/bluesky-network';
import {
  marker,
  openSession,
  payloadFor,
  testChannel,
  testOutlet,
  type TestChannel,
} from './setup';

const CREATE = 'com.atproto.repo.createRecord';
const GET = 'com.atproto.repo.getRecord';

describe('Bluesky outlet against the reference PDS: exactly one post per key', () => {
  let net: BlueskyNetwork;
  let alice: TestAccount;
  let channel: TestChannel;
  let session: ChannelSession<BlueskyPayload>;
  const outlet = testOutlet();

  before(async () => {
    net = await startBlueskyNetwork();
    alice = await net.createAccount('alice');
    channel = testChannel(net.serviceUrl, alice);
    session = await openSession(outlet, channel);
  });
  after(() => net?.close());

  /** The account's records holding exactly this text. */
  async function recordsWith(text: string): Promise<string[]> {
    const posts = await net.listPosts(alice.did);
    return posts.filter((post) => post.value.text === text).map((post) => post.uri);
  }

  async function prepared(prefix: string): Promise<{ key: string; payload: BlueskyPayload }> {
    const payload = await payloadFor(outlet, channel, marker(prefix));
    return { key: outlet.newPublicationKey(), payload };
  }

  function uriOf(key: string): string {
    return `at://${alice.did}/${BLUESKY_POST_COLLECTION}/${key}`;
  }

  function assertCreated(outcome: CreateResult, key: string, resolution: string): void {
    assert.equal(outcome.kind, 'created', JSON.stringify(outcome));
    assert.equal(outcome.kind === 'created' && outcome.post.id, uriOf(key));
    assert.equal(outcome.kind === 'created' && outcome.resolution, resolution);
  }

  it('when nothing goes wrong, then one create makes one record', async () => {
    const { key, payload } = await prepared('Clean');
    const since = net.proxy.mark();
    assertCreated(await session.create(key, payload), key, 'created');
    assert.deepEqual(await recordsWith(payload.text), [uriOf(key)]);
    assert.equal(net.proxy.count(GET, since), 0);
  });

  it('when the connection drops after the create reached the PDS, then the record exists once and the outcome adopts its URI', async () => {
    const { key, payload } = await prepared('Dropped after');
    net.proxy.inject(CREATE, { kind: 'drop_after_upstream' });
    const since = net.proxy.mark();
    assertCreated(await session.create(key, payload), key, 'read_back');
    assert.deepEqual(net.proxy.pending(), []);
    assert.equal(net.proxy.count(CREATE, since), 1);
    assert.deepEqual(await recordsWith(payload.text), [uriOf(key)]);
  });

  it('when the PDS writes and the answer is replaced by a 502, then the read-back adopts the record', async () => {
    const { key, payload } = await prepared('Gateway after');
    net.proxy.inject(CREATE, {
      kind: 'respond',
      status: 502,
      error: 'UpstreamFailure',
      upstream: true,
    });
    assertCreated(await session.create(key, payload), key, 'read_back');
    assert.deepEqual(await recordsWith(payload.text), [uriOf(key)]);
  });

  it('when the create meets a 503 or a reset before the PDS, then nothing is created and the next attempts with the same key make one record', async () => {
    const { key, payload } = await prepared('Unavailable');
    net.proxy.inject(CREATE, { kind: 'respond', status: 503, error: 'NotEnoughResources' });
    const first = await session.create(key, payload);
    assert.equal(first.kind, 'not_created', JSON.stringify(first));
    assert.match(first.kind === 'not_created' ? first.message : '', /503 NotEnoughResources/);
    assert.deepEqual(await recordsWith(payload.text), []);

    net.proxy.inject(CREATE, { kind: 'drop_before_upstream' });
    const second = await session.create(key, payload);
    assert.equal(second.kind, 'not_created', JSON.stringify(second));
    assert.deepEqual(await recordsWith(payload.text), []);

    assertCreated(await session.create(key, payload), key, 'created');
    // A fourth attempt (a retry after a lost answer) finds the record instead of a second post.
    assertCreated(await session.create(key, payload), key, 'read_back');
    assert.deepEqual(await recordsWith(payload.text), [uriOf(key)]);
  });

  it('when the create is rate limited, then the outcome says when the limit resets and nothing is created', async () => {
    const { key, payload } = await prepared('Rate limited');
    const reset = Math.floor(Date.now() / 1000) + 900;
    net.proxy.inject(CREATE, {
      kind: 'respond',
      status: 429,
      error: 'RateLimitExceeded',
      message: 'Rate Limit Exceeded',
      headers: {
        'ratelimit-limit': '5000',
        'ratelimit-remaining': '0',
        'ratelimit-reset': String(reset),
        'ratelimit-policy': '5000;w=3600',
      },
    });
    const outcome = await session.create(key, payload);
    assert.deepEqual(outcome, {
      kind: 'rate_limited',
      retryAt: new Date(reset * 1000).toISOString(),
      message: 'create failed: 429 RateLimitExceeded: Rate Limit Exceeded',
    });
    assert.deepEqual(await recordsWith(payload.text), []);
    assertCreated(await session.create(key, payload), key, 'created');
  });

  it('when the answer never comes, then the call times out and the read-back adopts the record', async () => {
    // Long enough for the PDS to finish the write on a busy machine, short enough for a test.
    const patient = testOutlet({ timeoutMs: 8_000 });
    const { key, payload } = await prepared('Held');
    const held = await openSession(patient, channel);
    net.proxy.inject(CREATE, { kind: 'hold_after_upstream' });
    const outcome = await held.create(key, payload);
    assertCreated(outcome, key, 'read_back');
    assert.deepEqual(await recordsWith(payload.text), [uriOf(key)]);
  });

  it('when a worker dies mid-call and a new one sends the same key, then the PDS keeps one record and the new attempt adopts it', async () => {
    const { key, payload } = await prepared('Worker killed');
    net.proxy.inject(CREATE, { kind: 'hold_after_upstream' });
    // The first worker's call is sent and never heard of again.
    const abandoned = session.create(key, payload);
    await eventually(
      async () => (await net.readRecord(alice.did, BLUESKY_POST_COLLECTION, key)) ?? undefined,
      30_000,
      'the first attempt reached the PDS',
    );
    const fresh = await openSession(testOutlet(), channel);
    assertCreated(await fresh.create(key, payload), key, 'read_back');
    assert.deepEqual(await recordsWith(payload.text), [uriOf(key)]);
    // The abandoned call's connection goes down with its worker; it resolves to the same post.
    net.proxy.dropHeld();
    const late = await abandoned;
    assertCreated(late, key, 'read_back');
    assert.deepEqual(await recordsWith(payload.text), [uriOf(key)]);
  });

  it('when both the create and its read-back fail, then the outcome is unknown and a later resolve finds the post', async () => {
    const { key, payload } = await prepared('Both fail');
    net.proxy.inject(CREATE, { kind: 'drop_after_upstream' });
    net.proxy.inject(GET, { kind: 'drop_before_upstream' });
    const outcome = await session.create(key, payload);
    assert.equal(outcome.kind, 'unknown', JSON.stringify(outcome));
    assert.deepEqual(await session.resolve(key, payload, new Date()), {
      kind: 'found',
      post: {
        id: uriOf(key),
        cid: (await recordCid(key)) ?? 'missing',
      },
    });
  });

  it('when another text already sits at the key, then it is never adopted', async () => {
    const { key, payload } = await prepared('First text');
    assertCreated(await session.create(key, payload), key, 'created');
    const other = await payloadFor(outlet, channel, marker('Second text'));
    const outcome = await session.create(key, other);
    assert.equal(outcome.kind, 'permanent', JSON.stringify(outcome));
    assert.equal(outcome.kind === 'permanent' && outcome.type, FailureType.DuplicateNotOurs);
    assert.deepEqual(await recordsWith(other.text), []);
    assert.deepEqual(await recordsWith(payload.text), [uriOf(key)]);
  });

  it('when the key is not a TID, then nothing is sent', async () => {
    const { payload } = await prepared('Bad key');
    const since = net.proxy.mark();
    const outcome = await session.create('not-a-tid', payload);
    assert.equal(outcome.kind, 'permanent');
    assert.equal(net.proxy.count(CREATE, since), 0);
  });

  async function recordCid(key: string): Promise<string | undefined> {
    const posts = await net.listPosts(alice.did);
    return posts.find((post) => post.uri === uriOf(key))?.cid;
  }
});
